package org.dpi.upgrade.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * A bare git repository on disk standing for mosip-config: branch v1.2.0.1 holds the fixture's old
 * tree, branch v1.2.1.0 its latest tree (with the knowledge base beside them in the fixture).
 */
final class ConfigRemote {

  static final String OLD = "v1.2.0.1";
  static final String NEW = "v1.2.1.0";

  final Path bare;
  final String url;

  ConfigRemote(Path dir) throws IOException, GitAPIException {
    bare = dir.resolve("mosip-config.git");
    Git.init().setBare(true).setDirectory(bare.toFile()).call().close();
    url = bare.toUri().toString();
    push(dir.resolve("src-old"), OLD, PropMigratorTest.FIXTURE.resolve("old"));
    push(dir.resolve("src-new"), NEW, PropMigratorTest.FIXTURE.resolve("latest"));
  }

  private void push(Path work, String branch, Path files) throws IOException, GitAPIException {
    try (Git git = Git.init().setDirectory(work.toFile()).setInitialBranch(branch).call();
        var list = Files.list(files)) {
      for (Path f : list.toList()) {
        Files.copy(f, work.resolve(f.getFileName()));
      }
      git.add().addFilepattern(".").call();
      git.commit().setMessage(branch).setAuthor("MOSIP", "mosip@example.org").setCommitter("MOSIP", "mosip@example.org")
          .setSign(false).call();
      git.remoteAdd().setName("origin").setUri(new URIish(url)).call();
      git.push().setRemote("origin").add(branch).call();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Commits {@code files} (path to content) on top of {@code branch} and pushes it, as a maintainer of the repository would. */
  void update(String branch, Map<String, byte[]> files) throws IOException, GitAPIException {
    Path work = bare.getParent().resolve("update-" + System.nanoTime());
    try (Git git = Git.cloneRepository().setURI(url).setBranch(branch).setDirectory(work.toFile()).call()) {
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        Files.write(work.resolve(f.getKey()), f.getValue());
      }
      git.add().addFilepattern(".").call();
      git.commit().setMessage("update " + branch).setAuthor("MOSIP", "mosip@example.org")
          .setCommitter("MOSIP", "mosip@example.org").setSign(false).call();
      git.push().setRemote("origin").add(branch).call();
    }
  }

  /** The commit a branch of the remote points at, or null. */
  String head(String branch) throws IOException {
    try (Repository repo = Git.open(bare.toFile()).getRepository()) {
      Ref ref = repo.exactRef("refs/heads/" + branch);
      return ref == null ? null : ref.getObjectId().name();
    }
  }

  RevCommit commit(String id) throws IOException {
    try (Repository repo = Git.open(bare.toFile()).getRepository(); RevWalk walk = new RevWalk(repo)) {
      RevCommit commit = walk.parseCommit(ObjectId.fromString(id));
      walk.parseBody(commit);
      return commit;
    }
  }

  /** Path to content of every file of a commit. */
  Map<String, String> files(String id) throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Repository repo = Git.open(bare.toFile()).getRepository(); RevWalk walk = new RevWalk(repo);
        TreeWalk tree = new TreeWalk(repo)) {
      tree.addTree(walk.parseCommit(ObjectId.fromString(id)).getTree());
      tree.setRecursive(true);
      while (tree.next()) {
        files.put(tree.getPathString(), new String(repo.open(tree.getObjectId(0)).getBytes(), java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    return files;
  }
}
