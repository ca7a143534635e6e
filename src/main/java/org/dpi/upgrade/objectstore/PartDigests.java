package org.dpi.upgrade.objectstore;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okio.BufferedSink;

/**
 * The MD5s of a stream read in parts, as S3 computes ETags: one part gives the MD5 of the bytes; n
 * parts give the MD5 of the parts' MD5s, a dash and n. Each part is hashed once, while it streams
 * from the source into the upload, so a copy is checked against the ETag the target computed from the
 * bytes it received.
 */
final class PartDigests {

  private static final int BUFFER = 64 * 1024;
  private final List<byte[]> parts = new ArrayList<>();
  private long count;

  static MessageDigest md5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The digest of a whole stream of {@code size} bytes in parts of {@code partSize} (null: one part). */
  static String of(InputStream in, long size, Long partSize) throws IOException {
    PartDigests digests = new PartDigests();
    long part = partSize == null ? Math.max(size, 1) : partSize;
    byte[] buffer = new byte[BUFFER];
    long done = 0;
    do {
      long length = Math.min(part, size - done);
      MessageDigest md5 = md5();
      for (long read = 0; read < length; ) {
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, length - read));
        if (n < 0) {
          throw new IOException("the content ended after " + (done + read) + " of " + size + " bytes");
        }
        md5.update(buffer, 0, n);
        read += n;
      }
      digests.parts.add(md5.digest());
      done += length;
    } while (done < size);
    if (in.read() >= 0) {
      throw new IOException("the content is longer than " + size + " bytes");
    }
    return digests.etag();
  }

  /**
   * A one-shot request body of the next {@code length} bytes of {@code in}, hashed as one part. A
   * failure or early end of {@code in} is a {@link SourceReadException}.
   */
  RequestBody part(InputStream in, long length) {
    return new RequestBody() {
      @Override
      public MediaType contentType() {
        return null; // the Content-Type header of the request stays as given
      }

      @Override
      public long contentLength() {
        return length;
      }

      @Override
      public boolean isOneShot() {
        return true;
      }

      @Override
      public void writeTo(BufferedSink sink) throws IOException {
        MessageDigest md5 = md5();
        byte[] buffer = new byte[(int) Math.min(BUFFER, Math.max(length, 1))];
        for (long written = 0; written < length; ) {
          int n;
          try {
            n = in.read(buffer, 0, (int) Math.min(buffer.length, length - written));
          } catch (IOException e) {
            throw new SourceReadException(e.getMessage(), e);
          }
          if (n < 0) {
            throw new SourceReadException("the source ended after " + (count + written) + " bytes", null);
          }
          md5.update(buffer, 0, n);
          sink.write(buffer, 0, n);
          written += n;
        }
        parts.add(md5.digest());
        count += length;
      }
    };
  }

  long count() {
    return count;
  }

  /** The MD5 of the last part written. */
  String lastPart() {
    return HexFormat.of().formatHex(parts.get(parts.size() - 1));
  }

  /** The ETag S3 gives the parts written so far. */
  String etag() {
    if (parts.size() == 1) {
      return HexFormat.of().formatHex(parts.get(0));
    }
    MessageDigest md5 = md5();
    parts.forEach(md5::update);
    return HexFormat.of().formatHex(md5.digest()) + "-" + parts.size();
  }

  /** Reading the source failed mid-copy (as opposed to writing the target). */
  static final class SourceReadException extends IOException {
    SourceReadException(String message, IOException cause) {
      super(message, cause);
    }
  }
}
