package org.dpi.upgrade.objectstore;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okio.Buffer;
import okio.BufferedSink;
import okio.BufferedSource;
import okio.HashingSource;
import okio.Source;

/**
 * The MD5s of a stream read in parts, as S3 computes ETags: one part gives the MD5 of the bytes; n
 * parts give the MD5 of the parts' MD5s, a dash and n. Each part is hashed once, while it streams
 * from the source into the upload, so a copy is checked against the ETag the target computed from the
 * bytes it received.
 */
final class PartDigests {

  private static final long CHUNK = 64 * 1024;
  private static final MessageDigest MD5 = newMd5();
  private final List<byte[]> parts = new ArrayList<>();
  private long count;

  private static MessageDigest newMd5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A fresh MD5 digest (a copy of a prototype: no provider lookup). */
  static MessageDigest md5() {
    try {
      return (MessageDigest) MD5.clone();
    } catch (CloneNotSupportedException e) {
      return newMd5();
    }
  }

  /** The digest of a whole stream of {@code size} bytes in parts of {@code partSize} (null: one part). */
  static String of(BufferedSource in, long size, Long partSize) throws IOException {
    PartDigests digests = new PartDigests();
    long part = partSize == null ? Math.max(size, 1) : partSize;
    Buffer discard = new Buffer();
    long done = 0;
    do {
      long length = Math.min(part, size - done);
      MessageDigest md5 = md5();
      HashingSource hashing = new HashingSource(in, md5);
      for (long read = 0; read < length; read += discard.size(), discard.clear()) {
        if (hashing.read(discard, Math.min(CHUNK, length - read)) < 0) {
          throw new IOException("the content ended after " + (done + read) + " of " + size + " bytes");
        }
      }
      digests.parts.add(md5.digest());
      done += length;
    } while (done < size);
    if (!in.exhausted()) {
      throw new IOException("the content is longer than " + size + " bytes");
    }
    return digests.etag();
  }

  /**
   * A one-shot request body of the next {@code length} bytes of {@code in}, hashed as one part (when
   * {@code hashed}) while the bytes move from the source's buffer to the request's without a copy.
   * A failure or early end of {@code in} is a {@link SourceReadException}.
   */
  RequestBody part(BufferedSource in, long length, boolean hashed) {
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
        MessageDigest md5 = hashed ? md5() : null;
        Source from = hashed ? new HashingSource(in, md5) : in;
        for (long written = 0; written < length; ) {
          long n;
          try {
            n = from.read(sink.getBuffer(), Math.min(CHUNK, length - written));
          } catch (IOException e) {
            throw new SourceReadException(e.getMessage(), e);
          }
          if (n < 0) {
            throw new SourceReadException("the source ended after " + (count + written) + " bytes", null);
          }
          written += n;
          sink.emitCompleteSegments();
        }
        if (hashed) {
          parts.add(md5.digest());
        }
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
