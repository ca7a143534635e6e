package org.dpi.upgrade.objectstore;

/**
 * Some objects could not be copied after their retries; everything else was copied, verified and
 * recorded. The message lists them with the side and the server's reason; the summary has the figures.
 */
public final class FailedObjectsException extends ObjectStoreException {

  private final transient MigrationSummary summary;

  FailedObjectsException(MigrationSummary summary, String stateDirectory) {
    super(summary.failed() + " of " + summary.objects() + " object(s) could not be copied; all others are on the"
        + " target, verified and recorded in " + stateDirectory + " (" + summary.copied() + " copied, "
        + summary.identical() + " already identical). Failed: " + String.join("; ", summary.failures())
        + (summary.failed() > summary.failures().size() ? "; ..." : "")
        + ". Fix the cause and retry: only the objects missing on the target are copied.");
    this.summary = summary;
  }

  public MigrationSummary summary() {
    return summary;
  }
}
