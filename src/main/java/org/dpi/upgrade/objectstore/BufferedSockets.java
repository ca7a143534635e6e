package org.dpi.upgrade.objectstore;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.SocketFactory;

/**
 * Plain sockets that read and write through 64 KiB buffers. OkHttp moves bytes in 8 KiB segments,
 * one system call each; buffered, a copy makes an eighth of the calls on this side and hands the
 * server larger writes. OkHttp flushes after each request's headers and body, so nothing waits in
 * the buffer. For http endpoints only (TLS sits on the socket itself).
 */
final class BufferedSockets extends SocketFactory {

  private static final int BUFFER = 64 * 1024;

  @Override
  public Socket createSocket() {
    return new Buffered();
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    Socket socket = createSocket();
    socket.connect(new java.net.InetSocketAddress(host, port));
    return socket;
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
    throw new UnsupportedOperationException("OkHttp connects the sockets it creates itself");
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    throw new UnsupportedOperationException("OkHttp connects the sockets it creates itself");
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) {
    throw new UnsupportedOperationException("OkHttp connects the sockets it creates itself");
  }

  private static final class Buffered extends Socket {
    private InputStream in;
    private OutputStream out;

    @Override
    public synchronized InputStream getInputStream() throws IOException {
      if (in == null) {
        in = new BufferedInputStream(super.getInputStream(), BUFFER);
      }
      return in;
    }

    @Override
    public synchronized OutputStream getOutputStream() throws IOException {
      if (out == null) {
        out = new BufferedOutputStream(super.getOutputStream(), BUFFER);
      }
      return out;
    }
  }
}
