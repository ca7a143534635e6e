package org.dpi.upgrade.config;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheEditor;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.TagOpt;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.OrTreeFilter;
import org.eclipse.jgit.treewalk.filter.PathSuffixFilter;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

/**
 * The git operations of the config steps (JGit), all on a bare repository of the run: list a remote's
 * refs once, fetch the two versions shallow (depth 1), read their files straight from the objects,
 * build a commit from a parent's tree with only the changed files replaced, push one branch, delete it.
 * No working tree is ever checked out. Credentials come from the configuration.
 */
final class ConfigGit {

  static final PersonIdent AUTHOR = new PersonIdent("Upgrade Orchestrator", "upgrade-orchestrator@localhost");
  /** Non-properties files the runbook asks to review by hand. */
  static final List<String> REVIEWED_SUFFIXES = List.of(".json", ".mvel", ".jsonld", ".xsd", ".toml", ".xml");

  private final CredentialsProvider credentials;

  ConfigGit(CredentialsProvider credentials) {
    this.credentials = credentials;
  }

  /** The branches and tags of {@code url} (one {@code ls-remote}), by full name. */
  Map<String, Ref> refs(String url) throws GitAPIException {
    Collection<Ref> refs = Git.lsRemoteRepository().setRemote(url).setCredentialsProvider(credentials)
        .setHeads(true).setTags(true).call();
    Map<String, Ref> byName = new LinkedHashMap<>();
    refs.forEach(r -> byName.put(r.getName(), r));
    return byName;
  }

  /** {@code name} among {@code refs}: the branch, else the tag. */
  static Optional<Ref> find(Map<String, Ref> refs, String name) {
    Ref branch = refs.get(Constants.R_HEADS + name);
    return Optional.ofNullable(branch != null ? branch : refs.get(Constants.R_TAGS + name));
  }

  static Optional<Ref> branch(Map<String, Ref> refs, String name) {
    return Optional.ofNullable(refs.get(Constants.R_HEADS + name));
  }

  /**
   * The bare repository in {@code dir}, created when absent. Pushes send whole objects (no delta search:
   * a commit changes a few small files, and the search cost more than the bytes it saves).
   */
  static Repository open(Path dir) throws IOException {
    Repository repository = new FileRepositoryBuilder().setGitDir(dir.toFile()).setBare().build();
    if (!Files.isDirectory(dir.resolve("objects"))) {
      repository.create(true);
      repository.getConfig().setBoolean("pack", null, "deltacompression", false);
      repository.getConfig().save();
    }
    return repository;
  }

  /**
   * Fetches {@code refs} of {@code url} with depth 1 into {@code refs/upgrade/<i>} (objects already here
   * are not fetched again) and returns their commits, tags peeled, in the same order.
   */
  List<RevCommit> fetch(Repository repository, String url, List<Ref> refs) throws GitAPIException, IOException {
    List<RefSpec> specs = new ArrayList<>();
    for (int i = 0; i < refs.size(); i++) {
      specs.add(new RefSpec("+" + refs.get(i).getName() + ":refs/upgrade/" + i));
    }
    Git.wrap(repository).fetch().setRemote(url).setCredentialsProvider(credentials).setRefSpecs(specs).setDepth(1)
        .setTagOpt(TagOpt.NO_TAGS).call();
    List<RevCommit> commits = new ArrayList<>();
    try (RevWalk walk = new RevWalk(repository)) {
      for (int i = 0; i < refs.size(); i++) {
        commits.add(walk.parseCommit(repository.resolve("refs/upgrade/" + i)));
      }
    }
    return commits;
  }

  /** Every file of {@code commit} whose path ends with {@code suffix}: path to content. */
  static Map<String, byte[]> files(Repository repository, RevCommit commit, String suffix) throws IOException {
    Map<String, byte[]> files = new TreeMap<>();
    try (TreeWalk walk = new TreeWalk(repository)) {
      walk.addTree(commit.getTree());
      walk.setRecursive(true);
      walk.setFilter(PathSuffixFilter.create(suffix));
      while (walk.next()) {
        files.put(walk.getPathString(), repository.open(walk.getObjectId(0)).getBytes());
      }
    }
    return files;
  }

  /** The content of {@code path} in {@code commit}, or null. */
  static byte[] file(Repository repository, RevCommit commit, String path) throws IOException {
    try (TreeWalk walk = TreeWalk.forPath(repository, path, commit.getTree())) {
      return walk == null ? null : repository.open(walk.getObjectId(0)).getBytes();
    }
  }

  /** Unified diff of the files with one of {@link #REVIEWED_SUFFIXES} that differ between two commits. */
  static String reviewedDiff(Repository repository, RevCommit from, RevCommit to, List<String> changedFiles) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DiffFormatter formatter = new DiffFormatter(out)) {
      formatter.setRepository(repository);
      formatter.setPathFilter(OrTreeFilter.create(REVIEWED_SUFFIXES.stream().map(PathSuffixFilter::create).toArray(TreeFilter[]::new)));
      List<DiffEntry> entries = formatter.scan(from.getTree(), to.getTree());
      for (DiffEntry entry : entries) {
        changedFiles.add(entry.getChangeType().name().toLowerCase() + " " + (entry.getChangeType() == DiffEntry.ChangeType.DELETE
            ? entry.getOldPath() : entry.getNewPath()));
      }
      formatter.format(entries);
    }
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  /**
   * A commit on top of {@code parent} whose tree is the parent's with {@code changed} files (path to
   * content) written; only those blobs are new. The local ref {@code refs/heads/<branch>} points at it.
   */
  static RevCommit commit(Repository repository, RevCommit parent, Map<String, byte[]> changed, String message,
      String branch) throws IOException {
    try (ObjectInserter inserter = repository.newObjectInserter(); ObjectReader reader = repository.newObjectReader();
        RevWalk walk = new RevWalk(repository)) {
      DirCache index = DirCache.read(reader, parent.getTree());
      DirCacheEditor editor = index.editor();
      for (Map.Entry<String, byte[]> file : changed.entrySet()) {
        ObjectId blob = inserter.insert(Constants.OBJ_BLOB, file.getValue());
        editor.add(new DirCacheEditor.PathEdit(file.getKey()) {
          @Override
          public void apply(DirCacheEntry entry) {
            entry.setFileMode(FileMode.REGULAR_FILE);
            entry.setObjectId(blob);
          }
        });
      }
      editor.finish();
      CommitBuilder commit = new CommitBuilder();
      commit.setTreeId(index.writeTree(inserter));
      commit.setParentId(parent);
      PersonIdent now = new PersonIdent(AUTHOR, java.time.Instant.now());
      commit.setAuthor(now);
      commit.setCommitter(now);
      commit.setMessage(message);
      ObjectId id = inserter.insert(commit);
      inserter.flush();
      RefUpdate update = repository.updateRef(Constants.R_HEADS + branch);
      update.setNewObjectId(id);
      update.setForceUpdate(true);
      update.update();
      return walk.parseCommit(id);
    }
  }

  /** The parent and tree of a commit read from its raw object, whatever shallow boundary the repository has. */
  static RevCommit raw(Repository repository, ObjectId id) throws IOException {
    return RevCommit.parse(repository.open(id, Constants.OBJ_COMMIT).getCachedBytes());
  }

  /** Fetches the tip of {@code branch} of {@code url} (depth 1) and returns it read raw (see {@link #raw}). */
  RevCommit fetchBranch(Repository repository, String url, Ref branch) throws GitAPIException, IOException {
    fetch(repository, url, List.of(branch));
    return raw(repository, branch.getObjectId());
  }

  /**
   * Pushes the local {@code refs/heads/<branch>} to {@code url} (fast-forward only), or deletes the remote
   * branch when {@code delete}; anything but OK or up to date is an error.
   */
  void push(Repository repository, String url, String branch, boolean delete) throws GitAPIException {
    Iterable<PushResult> results = Git.wrap(repository).push().setRemote(url).setCredentialsProvider(credentials)
        .setRefSpecs(new RefSpec((delete ? "" : Constants.R_HEADS + branch) + ":" + Constants.R_HEADS + branch)).call();
    List<String> problems = new ArrayList<>();
    for (PushResult result : results) {
      for (RemoteRefUpdate update : result.getRemoteUpdates()) {
        if (update.getStatus() != RemoteRefUpdate.Status.OK && update.getStatus() != RemoteRefUpdate.Status.UP_TO_DATE) {
          problems.add(update.getRemoteName() + ": " + update.getStatus()
              + (update.getMessage() == null ? "" : " (" + update.getMessage() + ")"));
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException("The push to " + url + " was refused: " + String.join("; ", problems)
          + ". Check that the configured git user may push to this repository.");
    }
  }
}
