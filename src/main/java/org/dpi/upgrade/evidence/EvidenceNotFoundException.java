package org.dpi.upgrade.evidence;

/** No process instance with that id in the engine's history. */
public class EvidenceNotFoundException extends RuntimeException {

  public EvidenceNotFoundException(String processInstanceId) {
    super("No upgrade with the id '" + processInstanceId + "' in the history");
  }
}
