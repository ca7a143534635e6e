package org.dpi.upgrade.sandbox;

import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.util.Map;
import java.util.Random;

/**
 * The old MinIO's content: registration packets as MOSIP's packet manager stores them (one folder
 * per registration id, packets per source and process, with the packet's metadata as user metadata),
 * and biometric documents of the ID repository. The bytes are random (fixed seed), sizes 2-40 KiB.
 */
final class MosipObjects {

  static final String PACKETS = "packet-manager";
  static final String ID_REPOSITORY = "id-repository";
  static final int REGISTRATIONS = 24;

  private MosipObjects() {
  }

  static void seed(MinioClient oldMinio) throws Exception {
    Random random = new Random(120_01);
    oldMinio.makeBucket(MakeBucketArgs.builder().bucket(PACKETS).build());
    oldMinio.makeBucket(MakeBucketArgs.builder().bucket(ID_REPOSITORY).build());
    for (int i = 0; i < REGISTRATIONS; i++) {
      String rid = "1000110001" + String.format("%05d", 20 + i) + "2024031510" + String.format("%04d", 3000 + i * 7);
      String process = i % 5 == 4 ? "UPDATE" : "NEW";
      for (String part : new String[] {"id", "evidence", "optional"}) {
        put(oldMinio, random, PACKETS, rid + "/REGISTRATION_CLIENT/" + process + "/" + rid + "_" + part + ".zip", "application/zip",
            Map.of("source", "REGISTRATION_CLIENT", "process", process, "schemaversion", "0.2", "creationdate", "2024-03-15T10:" + (10 + i) + ":00Z",
                "signature", Long.toHexString(random.nextLong())));
      }
      if (i % 3 == 0) {
        put(oldMinio, random, ID_REPOSITORY, "uin-hash-" + Long.toHexString(random.nextLong()) + "/Biometrics/face.cbeff",
            "application/xml", Map.of("biometric-type", "FACE", "format", "ISO19794_5_2011"));
      }
    }
  }

  private static void put(MinioClient client, Random random, String bucket, String key, String type, Map<String, String> metadata)
      throws Exception {
    byte[] body = new byte[2048 + random.nextInt(38 * 1024)];
    random.nextBytes(body);
    client.putObject(PutObjectArgs.builder().bucket(bucket).object(key).contentType(type).userMetadata(metadata)
        .stream(new ByteArrayInputStream(body), body.length, -1).build());
  }
}
