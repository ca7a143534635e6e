package org.dpi.upgrade.sandbox;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * Decodes the protobuf Secrets that Helm's storage driver sends (client-go's typed client) into the
 * JSON the CRUD mock stores. Kubernetes wraps the message in {@code k8s\0} + runtime.Unknown
 * {typeMeta=1, raw=2}; a Secret is {metadata=1, data=2 (map), type=3, stringData=4, immutable=5}, an
 * ObjectMeta {name=1, generateName=2, namespace=3, resourceVersion=6, labels=11, annotations=12}.
 */
final class Protobuf {

  static final byte[] MAGIC = {'k', '8', 's', 0};

  private final byte[] bytes;
  private int position;
  private final int end;

  private Protobuf(byte[] bytes, int start, int end) {
    this.bytes = bytes;
    this.position = start;
    this.end = end;
  }

  static ObjectNode secret(byte[] body) {
    if (body.length < MAGIC.length || !Arrays.equals(Arrays.copyOf(body, MAGIC.length), MAGIC)) {
      throw new IllegalArgumentException("not a Kubernetes protobuf message");
    }
    Protobuf unknown = new Protobuf(body, MAGIC.length, body.length);
    ObjectNode secret = JsonNodeFactory.instance.objectNode().put("apiVersion", "v1").put("kind", "Secret");
    while (unknown.more()) {
      int field = unknown.tag();
      if (field == 2) {
        unknown.nested().readSecret(secret);
      } else {
        unknown.skip();
      }
    }
    return secret;
  }

  private void readSecret(ObjectNode secret) {
    while (more()) {
      switch (tag()) {
        case 1 -> nested().readMeta(secret.putObject("metadata"));
        case 2 -> nested().readEntry(secret.with("data"), true);
        case 3 -> secret.put("type", string());
        case 4 -> nested().readEntry(secret.with("stringData"), false);
        case 5 -> secret.put("immutable", varint() != 0);
        default -> skip();
      }
    }
  }

  private void readMeta(ObjectNode meta) {
    while (more()) {
      switch (tag()) {
        case 1 -> meta.put("name", string());
        case 2 -> meta.put("generateName", string());
        case 3 -> meta.put("namespace", string());
        case 6 -> meta.put("resourceVersion", string());
        case 11 -> nested().readEntry(meta.with("labels"), false);
        case 12 -> nested().readEntry(meta.with("annotations"), false);
        default -> skip();
      }
    }
  }

  private void readEntry(ObjectNode map, boolean binary) {
    String key = null;
    byte[] value = new byte[0];
    while (more()) {
      switch (tag()) {
        case 1 -> key = string();
        case 2 -> value = lengthDelimited();
        default -> skip();
      }
    }
    map.put(key, binary ? Base64.getEncoder().encodeToString(value) : new String(value, StandardCharsets.UTF_8));
  }

  private boolean more() {
    return position < end;
  }

  private int wireType;

  private int tag() {
    long tag = varint();
    wireType = (int) (tag & 7);
    return (int) (tag >>> 3);
  }

  private long varint() {
    long value = 0;
    for (int shift = 0; ; shift += 7) {
      byte b = bytes[position++];
      value |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        return value;
      }
    }
  }

  private byte[] lengthDelimited() {
    int length = (int) varint();
    byte[] value = Arrays.copyOfRange(bytes, position, position + length);
    position += length;
    return value;
  }

  private Protobuf nested() {
    int length = (int) varint();
    Protobuf nested = new Protobuf(bytes, position, position + length);
    position += length;
    return nested;
  }

  private String string() {
    return new String(lengthDelimited(), StandardCharsets.UTF_8);
  }

  private void skip() {
    switch (wireType) {
      case 0 -> varint();
      case 1 -> position += 8;
      case 2 -> {
        int length = (int) varint();
        position += length;
      }
      case 5 -> position += 4;
      default -> throw new IllegalArgumentException("unsupported protobuf wire type " + wireType);
    }
  }
}
