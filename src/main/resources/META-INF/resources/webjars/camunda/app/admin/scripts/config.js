// Upgrade Orchestrator: Admin's configuration (overrides the file of the webjar). No first-login box
// pointing at /camunda-welcome, a page this application does not serve.
export default {
  disableWelcomeMessage: true
};
