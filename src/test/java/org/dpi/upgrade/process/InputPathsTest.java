package org.dpi.upgrade.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputPathsTest {

  @TempDir Path root;

  @Test
  void nothingIsAllowedWithoutARoot() throws Exception {
    Path file = Files.writeString(root.resolve("upgrade.csv"), "x");
    assertThatThrownBy(() -> new InputPaths("").check("upgradeCsvPath", "file", file.toString()))
        .hasMessage("'upgradeCsvPath' is refused: paths on the orchestrator host are disabled (no orchestrator.inputs.root "
            + "is configured); leave it empty to use the plan's value");
  }

  @Test
  void onlyCanonicalRegularFilesAndDirectoriesUnderTheRoot() throws Exception {
    Path file = Files.writeString(Files.createDirectories(root.resolve("mosip")).resolve("upgrade.csv"), "x");
    Files.createSymbolicLink(root.resolve("link.csv"), file);
    Files.createSymbolicLink(root.resolve("out"), Path.of("/etc"));
    InputPaths paths = new InputPaths(root.toString());

    assertThat(paths.check("f", "file", root + "/link.csv")).isEqualTo(file.toRealPath());
    assertThat(paths.check("d", "directory", " " + root + "/mosip ")).isEqualTo(root.resolve("mosip").toRealPath());
    assertThatThrownBy(() -> paths.check("f", "file", root + "/out/passwd")).hasMessageContaining("not under the inputs root");
    assertThatThrownBy(() -> paths.check("f", "file", root + "/mosip/../mosip/upgrade.csv")).hasMessageContaining("'..'");
    assertThatThrownBy(() -> paths.check("f", "file", "mosip/upgrade.csv")).hasMessageContaining("absolute path");
    assertThatThrownBy(() -> paths.check("f", "file", root + "/missing.csv")).hasMessageContaining("does not exist");
    assertThatThrownBy(() -> paths.check("f", "file", root + "/mosip")).hasMessageContaining("not a regular file");
    assertThatThrownBy(() -> paths.check("d", "directory", file.toString())).hasMessageContaining("not a directory");
  }

  @Test
  void systemTreesAndDevicesAreRefusedEvenUnderARootOfSlash() {
    InputPaths everything = new InputPaths("/");
    assertThatThrownBy(() -> everything.check("f", "file", "/proc/self/environ")).hasMessageContaining("not under the inputs root");
    assertThatThrownBy(() -> everything.check("f", "file", "/dev/null")).hasMessageContaining("not under the inputs root");
    assertThatThrownBy(() -> everything.check("d", "directory", "/sys/kernel")).hasMessageContaining("not under the inputs root");
  }
}
