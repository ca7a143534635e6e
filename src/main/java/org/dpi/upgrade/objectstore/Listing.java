package org.dpi.upgrade.objectstore;

import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.messages.Item;
import java.util.LinkedHashMap;
import java.util.Map;

/** One bucket's objects by key (size and ETag, quotes removed), from one recursive listing. */
record Listing(Map<String, Listing.Obj> objects) {

  record Obj(String key, long size, String etag) {
    /** An ETag that is the MD5 of the content: a single-part upload without server-side encryption. */
    boolean plainMd5() {
      return etag.length() == 32 && etag.chars().allMatch(c -> Character.digit(c, 16) >= 0);
    }
  }

  static Listing of(MinioClient client, String bucket) throws Exception {
    Map<String, Obj> objects = new LinkedHashMap<>();
    for (Result<Item> result : client.listObjects(ListObjectsArgs.builder().bucket(bucket).recursive(true).build())) {
      Item item = result.get();
      if (!item.isDir()) {
        objects.put(item.objectName(), new Obj(item.objectName(), item.size(), etag(item.etag())));
      }
    }
    return new Listing(objects);
  }

  static String etag(String etag) {
    return etag == null ? "" : etag.replace("\"", "").toLowerCase();
  }

  long bytes() {
    return objects.values().stream().mapToLong(Obj::size).sum();
  }
}
