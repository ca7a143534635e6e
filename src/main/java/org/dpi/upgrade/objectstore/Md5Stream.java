package org.dpi.upgrade.objectstore;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Counts and hashes the bytes read through it: the MD5 of the whole stream, and the ETag S3 gives a
 * multipart upload of parts of {@code partSize} bytes (MD5 of the parts' MD5s, dash, part count),
 * so a copy is checked against the ETag the target computed from the bytes it received.
 */
final class Md5Stream extends FilterInputStream {

  private final long partSize;
  private final MessageDigest whole = md5();
  private final MessageDigest part = md5();
  private final MessageDigest partDigests = md5();
  private long count;
  private long inPart;
  private int parts;

  /** {@code size}: the bytes expected; up to {@code partSize} they go up in one part, with one digest. */
  Md5Stream(InputStream in, long size, long partSize) {
    super(in);
    this.partSize = size > partSize ? partSize : Long.MAX_VALUE;
  }

  static MessageDigest md5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n;
    try {
      n = in.read(b, off, len);
    } catch (IOException e) {
      throw new SourceReadException(e);
    }
    if (n > 0) {
      whole.update(b, off, n);
    }
    for (int done = 0; done < n && partSize != Long.MAX_VALUE; ) {
      int chunk = (int) Math.min(n - done, partSize - inPart);
      part.update(b, off + done, chunk);
      inPart += chunk;
      done += chunk;
      if (inPart == partSize) {
        endPart();
      }
    }
    count += Math.max(n, 0);
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    throw new IOException("skipping would leave bytes out of the checksum");
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  private void endPart() {
    partDigests.update(part.digest());
    parts++;
    inPart = 0;
  }

  long count() {
    return count;
  }

  /** Call once, after the whole stream is read. */
  Digests digests() {
    String md5 = HexFormat.of().formatHex(whole.digest());
    if (inPart > 0) {
      endPart();
    }
    String multipart = parts <= 1 ? md5 : HexFormat.of().formatHex(partDigests.digest()) + "-" + parts;
    return new Digests(md5, multipart);
  }

  /** Reading the source failed mid-copy (as opposed to writing the target). */
  static final class SourceReadException extends IOException {
    SourceReadException(IOException cause) {
      super(cause.getMessage(), cause);
    }
  }

  /** {@code multipartEtag} equals {@code md5} for an object stored in one part. */
  record Digests(String md5, String multipartEtag) {
    boolean matches(String etag) {
      return etag.equals(md5) || etag.equals(multipartEtag);
    }
  }
}
