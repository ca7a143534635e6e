package org.dpi.upgrade.objectstore;

import java.util.Map;

/** One bucket's objects by key: size, ETag (quotes removed) and LastModified (seconds), from one recursive listing. */
record Listing(Map<String, Listing.Obj> objects) {

  /** {@code modified}: epoch seconds; HTTP headers carry no finer time, so listings are compared at that precision. */
  record Obj(String key, long size, String etag, long modified) {
    boolean plainMd5() {
      return Listing.plainMd5(etag);
    }
  }

  /** An ETag that is the MD5 of the content: a single-part upload without server-side encryption. */
  static boolean plainMd5(String etag) {
    return etag.length() == 32 && etag.chars().allMatch(c -> Character.digit(c, 16) >= 0);
  }

  static String etag(String etag) {
    return etag == null ? "" : etag.replace("\"", "").toLowerCase();
  }

  long bytes() {
    return objects.values().stream().mapToLong(Obj::size).sum();
  }
}
