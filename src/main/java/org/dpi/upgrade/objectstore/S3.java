package org.dpi.upgrade.objectstore;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import okhttp3.ConnectionPool;
import okhttp3.ConnectionSpec;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * One S3 server, as the migration uses it: the dozen S3 calls it needs, each one synchronous
 * request on the calling thread through one OkHttp client (a pool of keep-alive connections),
 * signed with {@link SigV4}, path-style URLs, answers read with the JDK's StAX parser. Uploads
 * stream their body with an unsigned payload. An error answer is a {@link ServerError}; a network
 * failure an {@link IOException}.
 */
final class S3 {

  private static final XMLInputFactory XML = XMLInputFactory.newDefaultFactory();

  static {
    XML.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    XML.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
  }

  private final Endpoint endpoint;
  private final HttpUrl base;
  private final String host;
  private final OkHttpClient http;
  private final SigV4 signer;

  S3(Endpoint endpoint, ObjectStoreSettings settings) {
    this.endpoint = endpoint;
    this.base = HttpUrl.get(endpoint.url());
    this.host = base.port() == HttpUrl.defaultPort(base.scheme()) ? base.host() : base.host() + ":" + base.port();
    OkHttpClient.Builder http = new OkHttpClient.Builder();
    if (!base.isHttps()) {
      // no TLS set-up (it reads the JDK's trust store), and buffered sockets
      http.connectionSpecs(List.of(ConnectionSpec.CLEARTEXT)).socketFactory(new BufferedSockets());
    }
    this.http = http
        .connectTimeout(settings.connectTimeout())
        .readTimeout(settings.readTimeout())
        .writeTimeout(settings.writeTimeout())
        .connectionPool(new ConnectionPool(settings.parallelism() * 2 + 4, 1, TimeUnit.MINUTES))
        .build();
    this.signer = new SigV4(endpoint.accessKey(), endpoint.secretKey(), endpoint.region());
  }

  Endpoint endpoint() {
    return endpoint;
  }

  /** The server's answer to a request it refused: HTTP status, S3 error code and message. */
  static final class ServerError extends Exception {
    final int status;
    final String code;

    ServerError(int status, String code, String message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  List<String> buckets() throws Exception {
    try (Response response = call("GET", null, null, Map.of(), Headers.of(), null)) {
      return parse(response).records("Bucket").stream().map(b -> b.get("Name")).toList();
    }
  }

  void makeBucket(String bucket) throws Exception {
    byte[] body = Endpoint.DEFAULT_REGION.equals(endpoint.region()) ? new byte[0]
        : ("<CreateBucketConfiguration><LocationConstraint>" + escape(endpoint.region())
            + "</LocationConstraint></CreateBucketConfiguration>").getBytes(StandardCharsets.UTF_8);
    call("PUT", bucket, null, Map.of(), Headers.of(), RequestBody.create(body)).close();
  }

  void removeBucket(String bucket) throws Exception {
    call("DELETE", bucket, null, Map.of(), Headers.of(), null).close();
  }

  /**
   * One recursive listing (ListObjectsV2, 1,000 keys a request). Keys come URL-encoded (so any key
   * survives XML); the empty delimiter lists recursively and makes s3proxy's filesystem backend
   * report its directories as prefixes rather than as objects.
   */
  Listing list(String bucket) throws Exception {
    Map<String, Listing.Obj> objects = new LinkedHashMap<>();
    String token = null;
    do {
      Map<String, String> query = new LinkedHashMap<>();
      query.put("list-type", "2");
      query.put("max-keys", "1000");
      query.put("delimiter", "");
      query.put("encoding-type", "url");
      if (token != null) {
        query.put("continuation-token", token);
      }
      Xml page;
      try (Response response = call("GET", bucket, null, query, Headers.of(), null)) {
        page = parse(response);
      }
      for (Map<String, String> item : page.records("Contents")) {
        String key = URLDecoder.decode(item.get("Key"), StandardCharsets.UTF_8);
        objects.put(key, new Listing.Obj(key, Long.parseLong(item.get("Size")), Listing.etag(item.get("ETag")),
            isoSeconds(item.get("LastModified"))));
      }
      token = "true".equals(page.value("IsTruncated")) ? page.value("NextContinuationToken") : null;
    } while (token != null);
    return new Listing(objects);
  }

  /** The object's content and headers (the caller closes it), or null when there is no such key. */
  Response get(String bucket, String key) throws Exception {
    return absentIsNull(() -> call("GET", bucket, key, Map.of(), Headers.of(), null));
  }

  /** The object's headers, or null when there is no such key. */
  Headers head(String bucket, String key) throws Exception {
    try (Response response = absentIsNull(() -> call("HEAD", bucket, key, Map.of(), Headers.of(), null))) {
      return response == null ? null : response.headers();
    }
  }

  /** Uploads in one request; returns the ETag the server computed. */
  String put(String bucket, String key, Headers headers, RequestBody body) throws Exception {
    try (Response response = call("PUT", bucket, key, Map.of(), headers, body)) {
      return Listing.etag(response.header("ETag"));
    }
  }

  String createUpload(String bucket, String key, Headers headers) throws Exception {
    try (Response response = call("POST", bucket, key, Map.of("uploads", ""), headers, RequestBody.create(new byte[0]))) {
      return parse(response).value("UploadId");
    }
  }

  String uploadPart(String bucket, String key, String uploadId, int part, RequestBody body) throws Exception {
    try (Response response = call("PUT", bucket, key, Map.of("partNumber", Integer.toString(part),
        "uploadId", uploadId), Headers.of(), body)) {
      return Listing.etag(response.header("ETag"));
    }
  }

  /** Completes an upload of the parts with these ETags, in order; returns the object's ETag. */
  String complete(String bucket, String key, String uploadId, List<String> partEtags) throws Exception {
    StringBuilder xml = new StringBuilder("<CompleteMultipartUpload>");
    for (int i = 0; i < partEtags.size(); i++) {
      xml.append("<Part><PartNumber>").append(i + 1).append("</PartNumber><ETag>\"").append(partEtags.get(i))
          .append("\"</ETag></Part>");
    }
    xml.append("</CompleteMultipartUpload>");
    try (Response response = call("POST", bucket, key, Map.of("uploadId", uploadId),
        Headers.of("Content-Type", "application/xml"), RequestBody.create(xml.toString().getBytes(StandardCharsets.UTF_8)))) {
      Xml answer = parse(response);
      if (answer.root.equals("Error")) { // S3 may report a failed completion with status 200
        throw new ServerError(response.code(), answer.value("Code"), answer.value("Message"));
      }
      return Listing.etag(answer.value("ETag"));
    }
  }

  /** Aborts an upload; done also when the server no longer has it. */
  void abort(String bucket, String key, String uploadId) throws Exception {
    try {
      call("DELETE", bucket, key, Map.of("uploadId", uploadId), Headers.of(), null).close();
    } catch (ServerError e) {
      if (e.status != 404) {
        throw e;
      }
    }
  }

  /** Deletes up to 1,000 keys in one request; the first key the server could not delete is an error. */
  void delete(String bucket, Collection<String> keys) throws Exception {
    StringBuilder xml = new StringBuilder("<Delete><Quiet>true</Quiet>");
    keys.forEach(key -> xml.append("<Object><Key>").append(escape(key)).append("</Key></Object>"));
    byte[] body = xml.append("</Delete>").toString().getBytes(StandardCharsets.UTF_8);
    Headers headers = Headers.of("Content-Type", "application/xml", "Content-MD5",
        Base64.getEncoder().encodeToString(PartDigests.md5().digest(body)));
    try (Response response = call("POST", bucket, null, Map.of("delete", ""), headers, RequestBody.create(body))) {
      List<Map<String, String>> errors = parse(response).records("Error");
      if (!errors.isEmpty()) {
        Map<String, String> error = errors.get(0);
        throw new ServerError(200, error.get("Code"), error.get("Message") + " (" + error.get("Key") + ")");
      }
    }
  }

  Map<String, String> tags(String bucket, String key) throws Exception {
    try (Response response = call("GET", bucket, key, Map.of("tagging", ""), Headers.of(), null)) {
      Map<String, String> tags = new LinkedHashMap<>();
      parse(response).records("Tag").forEach(tag -> tags.put(tag.get("Key"), tag.get("Value")));
      return tags;
    }
  }

  @FunctionalInterface
  private interface Call {
    Response call() throws Exception;
  }

  private static Response absentIsNull(Call call) throws Exception {
    try {
      return call.call();
    } catch (ServerError e) {
      if (e.status == 404 && !"NoSuchBucket".equals(e.code)) {
        return null;
      }
      throw e;
    }
  }

  /** A signed request; an error status is a {@link ServerError}. The caller closes the response. */
  private Response call(String method, String bucket, String key, Map<String, String> query, Headers headers,
      RequestBody body) throws Exception {
    HttpUrl.Builder url = base.newBuilder();
    if (bucket != null) {
      url.encodedPath("/" + encode(bucket, false) + (key == null ? "" : "/" + encode(key, true)));
    }
    query.forEach((name, value) -> url.addEncodedQueryParameter(encode(name, false), encode(value, false)));
    Request request = new Request.Builder().url(url.build()).headers(headers)
        .header("Host", host)
        // no transparent gzip: it would hide Content-Encoding and change the bytes
        .header("Accept-Encoding", "identity")
        .method(method, body)
        .build();
    Response response = http.newCall(signer.sign(request, ZonedDateTime.now(ZoneOffset.UTC))).execute();
    if (response.isSuccessful()) {
      return response;
    }
    try (response) {
      String text = response.body().string();
      if (text.contains("<Error>")) {
        Xml error = Xml.parse(text.getBytes(StandardCharsets.UTF_8));
        throw new ServerError(response.code(), error.value("Code"), error.value("Message"));
      }
      String plain = text.replaceAll("<[^>]*>", " ").replaceAll("\\s+", " ").trim();
      throw new ServerError(response.code(), "HTTP " + response.code(),
          plain.length() > 200 ? plain.substring(0, 200) : plain);
    }
  }

  private static Xml parse(Response response) throws IOException {
    return Xml.parse(response.body().bytes());
  }

  /** URI encoding as S3 signs it: everything but unreserved characters (and '/' in a key) as %XX of UTF-8. */
  static String encode(String value, boolean path) {
    StringBuilder encoded = new StringBuilder(value.length() + 16);
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
          || c == '~' || path && c == '/') {
        encoded.append(c);
      } else {
        encoded.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
            .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
      }
    }
    return encoded.toString();
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
        .replace("'", "&apos;");
  }

  /** Epoch seconds of an ISO-8601 UTC time as listings give it: 2024-05-01T10:20:30.000Z. */
  static long isoSeconds(String value) {
    if (value.length() >= 20 && value.charAt(4) == '-' && value.charAt(10) == 'T' && value.endsWith("Z")) {
      return LocalDateTime.of(number(value, 0, 4), number(value, 5, 7), number(value, 8, 10), number(value, 11, 13),
          number(value, 14, 16), number(value, 17, 19)).toEpochSecond(ZoneOffset.UTC);
    }
    return ZonedDateTime.parse(value).toEpochSecond();
  }

  private static final List<String> MONTHS = List.of("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
      "Oct", "Nov", "Dec");

  /** Epoch seconds of an HTTP date as headers give it: Wed, 21 Oct 2037 07:28:00 GMT; 0 when absent. */
  static long httpSeconds(String value) {
    if (value == null) {
      return 0;
    }
    if (value.length() == 29 && value.charAt(3) == ',' && value.endsWith(" GMT")) {
      return LocalDateTime.of(number(value, 12, 16), MONTHS.indexOf(value.substring(8, 11)) + 1, number(value, 5, 7),
          number(value, 17, 19), number(value, 20, 22), number(value, 23, 25)).toEpochSecond(ZoneOffset.UTC);
    }
    return ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toEpochSecond();
  }

  private static int number(String text, int from, int to) {
    return Integer.parseInt(text, from, to, 10);
  }

  /**
   * An S3 XML answer, flattened: the text of each element that has no child elements, by name
   * ({@link #value}: the first), and for each element with children its leaves by name
   * ({@link #records}: every Contents, Bucket, Error, Tag ... in order).
   */
  static final class Xml {
    final String root;
    private final Map<String, String> first = new HashMap<>();
    private final Map<String, List<Map<String, String>>> records = new HashMap<>();

    private Xml(String root) {
      this.root = root;
    }

    static Xml parse(byte[] body) throws IOException {
      try {
        XMLStreamReader reader = XML.createXMLStreamReader(new java.io.ByteArrayInputStream(body));
        Xml xml = null;
        Deque<Map<String, String>> open = new ArrayDeque<>();
        Deque<Boolean> withChildren = new ArrayDeque<>();
        StringBuilder text = new StringBuilder();
        while (reader.hasNext()) {
          switch (reader.next()) {
            case XMLStreamConstants.START_ELEMENT -> {
              if (xml == null) {
                xml = new Xml(reader.getLocalName());
              }
              if (!withChildren.isEmpty()) {
                withChildren.pop();
                withChildren.push(true);
              }
              open.push(new LinkedHashMap<>());
              withChildren.push(false);
              text.setLength(0);
            }
            case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA -> text.append(reader.getText());
            case XMLStreamConstants.END_ELEMENT -> {
              String name = reader.getLocalName();
              Map<String, String> element = open.pop();
              if (withChildren.pop()) {
                xml.records.computeIfAbsent(name, n -> new ArrayList<>()).add(element);
              } else {
                xml.first.putIfAbsent(name, text.toString());
                if (!open.isEmpty()) {
                  open.peek().put(name, text.toString());
                }
              }
              text.setLength(0);
            }
            default -> {
            }
          }
        }
        if (xml == null) {
          throw new IOException("the server answered without XML");
        }
        return xml;
      } catch (XMLStreamException e) {
        throw new IOException("the server's answer is not XML: " + e.getMessage(), e);
      }
    }

    String value(String name) {
      return first.get(name);
    }

    List<Map<String, String>> records(String name) {
      return records.getOrDefault(name, List.of());
    }
  }
}
