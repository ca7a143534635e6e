package org.dpi.upgrade.objectstore;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import okhttp3.HttpUrl;
import okhttp3.Request;

/**
 * AWS signature version 4 for S3 requests, with the payload unsigned ({@code UNSIGNED-PAYLOAD}):
 * every upload is checked against the MD5 of its bytes instead. The signing key is derived once a
 * day per thread, not for every request. Header values are trimmed and inner runs of spaces collapsed, as the
 * specification says.
 */
final class SigV4 {

  static final String UNSIGNED = "UNSIGNED-PAYLOAD";
  private static final String ALGORITHM = "AWS4-HMAC-SHA256";
  private static final List<String> UNSIGNED_HEADERS = List.of("accept-encoding", "authorization", "user-agent",
      "content-length");

  private static final MessageDigest SHA256 = sha256Digest();

  private final String accessKey;
  private final String secretKey;
  private final String region;
  /** Per thread: the day and a MAC keyed with that day's signing key. */
  private final ThreadLocal<DayMac> macs = new ThreadLocal<>();

  private record DayMac(String date, Mac mac) {
  }

  SigV4(String accessKey, String secretKey, String region) {
    this.accessKey = accessKey;
    this.secretKey = secretKey;
    this.region = region;
  }

  /** The request with its x-amz-date, x-amz-content-sha256 and Authorization headers. */
  Request sign(Request request, ZonedDateTime now) {
    ZonedDateTime utc = now.withZoneSameInstant(ZoneOffset.UTC);
    String date = utc.getYear() + two(utc.getMonthValue()) + two(utc.getDayOfMonth());
    String time = date + "T" + two(utc.getHour()) + two(utc.getMinute()) + two(utc.getSecond()) + "Z";
    Request dated = request.newBuilder().header("x-amz-date", time).header("x-amz-content-sha256", UNSIGNED).build();

    Map<String, String> headers = new TreeMap<>();
    for (String name : dated.headers().names()) {
      String lower = name.toLowerCase(Locale.ROOT);
      if (!UNSIGNED_HEADERS.contains(lower)) {
        List<String> values = new ArrayList<>();
        dated.headers(name).forEach(v -> values.add(collapse(v.trim())));
        headers.put(lower, String.join(",", values));
      }
    }
    StringBuilder canonical = new StringBuilder(512).append(dated.method()).append('\n')
        .append(dated.url().encodedPath()).append('\n').append(canonicalQuery(dated.url())).append('\n');
    headers.forEach((name, value) -> canonical.append(name).append(':').append(value).append('\n'));
    String signedHeaders = String.join(";", headers.keySet());
    canonical.append('\n').append(signedHeaders).append('\n').append(UNSIGNED);

    String scope = date + "/" + region + "/s3/aws4_request";
    String toSign = ALGORITHM + "\n" + time + "\n" + scope + "\n" + hex(sha256(canonical.toString()));
    String signature = hex(mac(date).doFinal(toSign.getBytes(StandardCharsets.UTF_8)));
    return dated.newBuilder().header("Authorization", ALGORITHM + " Credential=" + accessKey + "/" + scope
        + ", SignedHeaders=" + signedHeaders + ", Signature=" + signature).build();
  }

  /** Parameters sorted by name, then value, each as encoded in the URL (S3.encode). */
  private static String canonicalQuery(HttpUrl url) {
    String query = url.encodedQuery();
    if (query == null || query.isEmpty()) {
      return "";
    }
    List<String[]> pairs = new ArrayList<>();
    for (String pair : query.split("&")) {
      int equals = pair.indexOf('=');
      pairs.add(equals < 0 ? new String[] {pair, ""} : new String[] {pair.substring(0, equals),
          pair.substring(equals + 1)});
    }
    pairs.sort(Comparator.<String[], String>comparing(p -> p[0]).thenComparing(p -> p[1]));
    StringBuilder canonical = new StringBuilder();
    for (String[] pair : pairs) {
      canonical.append(canonical.isEmpty() ? "" : "&").append(pair[0]).append('=').append(pair[1]);
    }
    return canonical.toString();
  }

  private static String two(int value) {
    return value < 10 ? "0" + value : Integer.toString(value);
  }

  /** Inner runs of spaces become one. */
  private static String collapse(String value) {
    if (!value.contains("  ")) {
      return value;
    }
    StringBuilder collapsed = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c != ' ' || collapsed.isEmpty() || collapsed.charAt(collapsed.length() - 1) != ' ') {
        collapsed.append(c);
      }
    }
    return collapsed.toString();
  }

  /** This thread's MAC with the signing key of {@code date}, derived when the day changes. */
  private Mac mac(String date) {
    DayMac current = macs.get();
    if (current == null || !current.date().equals(date)) {
      byte[] key = hmac(("AWS4" + secretKey).getBytes(StandardCharsets.UTF_8), date);
      key = hmac(key, region);
      key = hmac(key, "s3");
      key = hmac(key, "aws4_request");
      current = new DayMac(date, keyed(key));
      macs.set(current);
    }
    return current.mac();
  }

  private static Mac keyed(byte[] key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] hmac(byte[] key, String data) {
    return keyed(key).doFinal(data.getBytes(StandardCharsets.UTF_8));
  }

  private static MessageDigest sha256Digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] sha256(String data) {
    try {
      return ((MessageDigest) SHA256.clone()).digest(data.getBytes(StandardCharsets.UTF_8));
    } catch (CloneNotSupportedException e) {
      return sha256Digest().digest(data.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
