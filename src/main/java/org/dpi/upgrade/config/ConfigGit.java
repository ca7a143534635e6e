package org.dpi.upgrade.config;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.OrTreeFilter;
import org.eclipse.jgit.treewalk.filter.PathSuffixFilter;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

/**
 * The git operations of the config steps (JGit): resolve refs on a remote, fetch them into a fresh
 * local repository, commit, push a branch and delete it. Credentials come from the configuration;
 * nothing here ever pushes anything but the migration branch.
 */
final class ConfigGit {

  static final PersonIdent AUTHOR = new PersonIdent("Upgrade Orchestrator", "upgrade-orchestrator@localhost");
  /** Non-properties files the runbook asks to review by hand. */
  static final List<String> REVIEWED_SUFFIXES = List.of(".json", ".mvel", ".jsonld", ".xsd", ".toml", ".xml");

  private final CredentialsProvider credentials;

  ConfigGit(CredentialsProvider credentials) {
    this.credentials = credentials;
  }

  /** The commit of {@code ref} (a branch, else a tag) on {@code url}; empty when the remote has neither. */
  Optional<Ref> find(String url, String ref) throws GitAPIException {
    Collection<Ref> refs = Git.lsRemoteRepository().setRemote(url).setCredentialsProvider(credentials)
        .setHeads(true).setTags(true).call();
    for (String name : List.of("refs/heads/" + ref, "refs/tags/" + ref)) {
      Optional<Ref> found = refs.stream().filter(r -> r.getName().equals(name)).findFirst();
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  /** A new repository in {@code dir} (emptied first), so a run never starts from a tree it already rewrote. */
  static Git init(Path dir) throws IOException, GitAPIException {
    Files.createDirectories(dir.getParent());
    org.springframework.util.FileSystemUtils.deleteRecursively(dir);
    return Git.init().setDirectory(dir.toFile()).setInitialBranch("orchestrator-workspace").call();
  }

  /** Fetches {@code ref} of {@code url} into the local ref {@code local} and returns its commit (tags peeled). */
  RevCommit fetch(Git git, String url, Ref ref, String local) throws GitAPIException, IOException {
    git.fetch().setRemote(url).setCredentialsProvider(credentials).setRefSpecs(new RefSpec("+" + ref.getName() + ":" + local))
        .setTagOpt(org.eclipse.jgit.transport.TagOpt.NO_TAGS).call();
    try (RevWalk walk = new RevWalk(git.getRepository())) {
      return walk.parseCommit(git.getRepository().resolve(local));
    }
  }

  /** Writes every file of {@code commit} under {@code dir}. */
  static void export(Repository repository, RevCommit commit, Path dir) throws IOException {
    Files.createDirectories(dir);
    try (TreeWalk walk = new TreeWalk(repository)) {
      walk.addTree(commit.getTree());
      walk.setRecursive(true);
      while (walk.next()) {
        Path target = dir.resolve(walk.getPathString()).normalize();
        if (!target.startsWith(dir)) {
          throw new IllegalStateException("refusing the path " + walk.getPathString() + " outside the checkout");
        }
        Files.createDirectories(target.getParent());
        Files.write(target, repository.open(walk.getObjectId(0)).getBytes());
      }
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

  /** Stages every change of the working tree and commits it (empty commits allowed: the message records the decisions). */
  static RevCommit commit(Git git, String message) throws GitAPIException {
    git.add().addFilepattern(".").call();
    git.add().addFilepattern(".").setUpdate(true).call();
    return git.commit().setMessage(message).setAuthor(AUTHOR).setCommitter(AUTHOR).setAllowEmpty(true).setSign(false).call();
  }

  /** Pushes {@code local} to {@code refs/heads/branch} of {@code url}; fast-forward only, or deletes it when local is empty. */
  void push(Git git, String url, String local, String branch) throws GitAPIException {
    Iterable<PushResult> results = git.push().setRemote(url).setCredentialsProvider(credentials)
        .setRefSpecs(new RefSpec(local + ":refs/heads/" + branch)).call();
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
