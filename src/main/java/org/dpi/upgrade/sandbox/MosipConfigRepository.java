package org.dpi.upgrade.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.transport.RefSpec;
import org.springframework.util.FileSystemUtils;

/**
 * A bare git repository standing for the country's mosip-config: on branch {@code master}, the
 * 1.2.0.1 configuration (tag {@code v1.2.0.1}), then the 1.2.1.0 one (tag {@code v1.2.1.0}), each
 * commit holding exactly that version's files from {@code sandbox/mosip-config/<version>}.
 */
final class MosipConfigRepository {

  static final List<String> VERSIONS = List.of("1.2.0.1", "1.2.1.0");
  private static final PersonIdent MOSIP = new PersonIdent("MOSIP sandbox", "config@sandbox.example.org");

  private MosipConfigRepository() {
  }

  /** Creates {@code bare} from the version trees under {@code versions} (one folder per version). */
  static void create(Path bare, Path versions) throws Exception {
    Path work = bare.resolveSibling("mosip-config-work");
    try (Git git = Git.init().setDirectory(work.toFile()).setInitialBranch("master").call()) {
      for (String version : VERSIONS) {
        clear(work);
        try (Stream<Path> files = Files.list(versions.resolve(version))) {
          for (Path file : files.toList()) {
            Files.copy(file, work.resolve(file.getFileName()));
          }
        }
        git.add().addFilepattern(".").call();
        git.add().addFilepattern(".").setUpdate(true).call();
        git.commit().setMessage("MOSIP " + version + " configuration").setAuthor(MOSIP).setCommitter(MOSIP).setSign(false).call();
        git.tag().setName("v" + version).setMessage("Release " + version).setTagger(MOSIP).setSigned(false).call();
      }
      Git.init().setBare(true).setDirectory(bare.toFile()).setInitialBranch("master").call().close();
      git.push().setRemote(bare.toUri().toString()).setRefSpecs(new RefSpec("refs/heads/master:refs/heads/master"))
          .setPushTags().call();
    }
    FileSystemUtils.deleteRecursively(work);
  }

  private static void clear(Path work) throws IOException {
    try (Stream<Path> files = Files.list(work)) {
      for (Path file : files.filter(f -> !f.getFileName().toString().equals(".git")).toList()) {
        FileSystemUtils.deleteRecursively(file);
      }
    }
  }
}
