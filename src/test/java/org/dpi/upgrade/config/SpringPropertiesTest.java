package org.dpi.upgrade.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.env.PropertiesPropertySourceLoader;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;

/** {@link SpringProperties} reads what Spring Boot's own loader (the config server's) reads, and says where it stops. */
class SpringPropertiesTest {

  static final String TRICKY = String.join("\n",
      "  # comment after blanks", "! bang comment", "plain=1", "spaced = two words  ", "colon:3", "blank sep",
      "tab\tsep", "escaped\\ key=v", "esc=a\\tb\\nc\\\\d\\=e", "uni=caf\\u00e9", "cont=one,\\", "   two,\\", "\tthree",
      "list[]=a,b\\,c", "empty=", "=no key", "crlf=x\r\ncr=y\rlast=z", "#---", "plain=second document", "dup=1", "dup=2");

  @Test
  void readsTheSameKeysAndValuesAsSpringBootsLoader() throws Exception {
    List<String> texts = new java.util.ArrayList<>(List.of(TRICKY));
    try (Stream<Path> files = Files.walk(PropMigratorTest.FIXTURE)) {
      for (Path f : files.filter(f -> f.toString().endsWith(".properties")).toList()) {
        texts.add(Files.readString(f));
      }
    }
    for (String text : texts) {
      assertThat(SpringProperties.parse(text).values()).as(text).containsExactlyInAnyOrderEntriesOf(spring(text));
    }
    SpringProperties tricky = SpringProperties.parse(TRICKY);
    assertThat(tricky.values()).containsEntry("spaced", "two words  ").containsEntry("cont", "one,two,three")
        .containsEntry("list[1]", "b,c").containsEntry("escaped key", "v").containsEntry("uni", "café");
    assertThat(tricky.entries).filteredOn(e -> e.key().equals("cont")).singleElement()
        .satisfies(e -> assertThat(List.of(e.line(), e.lastLine())).isEqualTo(List.of(11, 13)));
    assertThat(tricky.conflicts()).extracting(SpringProperties.Conflict::key).containsExactly("dup");
    assertThat(tricky.problems).isEmpty();
  }

  @Test
  void reportsEveryMalformedEscapeWithItsLineAndColumnWhereSpringStopsAtTheFirst() {
    String text = "ok=1\nbad=caf\\uZZe9\nalso=x\\u12\nfine=\\u00e9\n";
    assertThatThrownBy(() -> spring(text)).isInstanceOf(IllegalStateException.class).hasMessage("Malformed \\uxxxx encoding.");
    SpringProperties parsed = SpringProperties.parse(text);
    assertThat(parsed.problems).extracting(SpringProperties.Problem::line, SpringProperties.Problem::column)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(2, 8), org.assertj.core.groups.Tuple.tuple(3, 7));
    assertThat(parsed.values()).containsKeys("ok", "bad", "also", "fine").containsEntry("fine", "é");
  }

  @Test
  void csvErrorsNameTheRowAndColumnOfAnUnclosedQuote() {
    assertThatThrownBy(() -> Csv.parse("a,b\r\n1,\"2\r\n3,4\r\n")).hasMessage("the quote opened at row 2, column 2 is never closed");
    assertThat(Csv.parse("a,b\r\n\"x,\"\"y\"\"\",2\r\n")).containsExactly(List.of("a", "b"), List.of("x,\"y\"", "2"));
  }

  /** Keys and values as Spring Boot's PropertiesPropertySourceLoader loads them, documents merged (later wins). */
  static Map<String, String> spring(String text) throws Exception {
    List<PropertySource<?>> sources = new PropertiesPropertySourceLoader().load("test",
        new ByteArrayResource(text.getBytes(StandardCharsets.ISO_8859_1)));
    Map<String, String> values = new LinkedHashMap<>();
    for (PropertySource<?> source : sources) {
      EnumerablePropertySource<?> enumerable = (EnumerablePropertySource<?>) source;
      for (String name : enumerable.getPropertyNames()) {
        values.remove(name);
        values.put(name, String.valueOf(enumerable.getProperty(name)));
      }
    }
    return values;
  }
}
