// Upgrade Orchestrator: Cockpit's configuration (overrides the file of the webjar, see Camunda's
// "Cockpit > Configuration"). Links the upgrade history; no first-login box pointing at /camunda-welcome,
// a page this application does not serve.
export default {
  customScripts: ['custom/upgrade-history'],
  disableWelcomeMessage: true
};
