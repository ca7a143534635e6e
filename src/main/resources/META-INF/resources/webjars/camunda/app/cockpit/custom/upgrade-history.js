// Upgrade Orchestrator: links Cockpit to the upgrade history served at /history/ (managers and admins):
// an entry in the navigation, and on a running process instance a button opening its evidence pack.
// Each link asks /history/access first and shows only to users who may read it.

function whenAllowed(show) {
  fetch('/history/access', {credentials: 'same-origin'})
    .then(response => { if (response.status === 204) { show(); } })
    .catch(() => {});
}

function link(href, text, className) {
  const a = document.createElement('a');
  a.href = href;
  a.textContent = text;
  if (className) { a.className = className; }
  return a;
}

export default [
  {
    id: 'upgrade-history-navigation',
    pluginPoint: 'cockpit.navigation',
    priority: 5,
    render: node => whenAllowed(() => node.appendChild(link('/history/', 'Upgrade history')))
  },
  {
    id: 'upgrade-history-evidence-pack',
    pluginPoint: 'cockpit.processInstance.runtime.action',
    priority: 5,
    render: (node, {processInstanceId}) => whenAllowed(() => node.appendChild(
      link('/history/' + encodeURIComponent(processInstanceId), 'Evidence pack', 'btn btn-default action-button')))
  }
];
