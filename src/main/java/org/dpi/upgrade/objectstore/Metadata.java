package org.dpi.upgrade.objectstore;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import okhttp3.Headers;

/**
 * What, besides the bytes, belongs to an object's identity: Content-Type, Cache-Control,
 * Content-Disposition, Content-Encoding, Content-Language, Expires and every user metadata entry
 * ({@code x-amz-meta-*}). Names are lower-case (HTTP header names are case-insensitive), values
 * exactly as the server returns them.
 */
record Metadata(SortedMap<String, String> values) {

  static final List<String> STANDARD = List.of("Content-Type", "Cache-Control", "Content-Disposition",
      "Content-Encoding", "Content-Language", "Expires");
  private static final Map<String, String> NAMES = STANDARD.stream()
      .collect(Collectors.toMap(name -> name.toLowerCase(Locale.ROOT), name -> name));
  static final String USER = "x-amz-meta-";

  static Metadata of(Headers headers) {
    SortedMap<String, String> values = new TreeMap<>();
    for (String name : headers.names()) {
      String lower = name.toLowerCase(Locale.ROOT);
      if (NAMES.containsKey(lower) || lower.startsWith(USER)) {
        values.put(lower, String.join(",", headers.values(name)));
      }
    }
    return new Metadata(values);
  }

  /** The headers that give an upload this metadata (standard ones spelt as usual: minio-java looks for Content-Type). */
  Headers.Builder headers() {
    Headers.Builder headers = new Headers.Builder();
    values.forEach((name, value) -> headers.addUnsafeNonAscii(NAMES.getOrDefault(name, name), value));
    return headers;
  }

  /** A short fingerprint for the manifest: the first 128 bits of the SHA-256 of the sorted name:value lines. */
  String digest() {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      values.forEach((name, value) -> sha.update((name + ":" + value + "\n").getBytes(StandardCharsets.UTF_8)));
      return HexFormat.of().formatHex(sha.digest(), 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Each name whose value differs, e.g. "x-amz-meta-centre missing on the target" (values are not shown). */
  List<String> differences(Metadata target) {
    List<String> differences = new ArrayList<>();
    for (String name : new TreeSet<>(union(values, target.values))) {
      String here = values.get(name);
      String there = target.values.get(name);
      if (there == null) {
        differences.add(name + " missing on the target");
      } else if (here == null) {
        differences.add(name + " only on the target");
      } else if (!here.equals(there)) {
        differences.add(name + " differs");
      }
    }
    return differences;
  }

  private static List<String> union(Map<String, String> a, Map<String, String> b) {
    List<String> names = new ArrayList<>(a.keySet());
    names.addAll(b.keySet());
    return names;
  }
}
