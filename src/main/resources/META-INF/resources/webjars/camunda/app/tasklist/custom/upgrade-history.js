// Upgrade Orchestrator: links Tasklist to the upgrade history served at /history/. Shown only to users
// who may read it (managers and admins), after asking /history/access.

export default {
  id: 'upgrade-history-navbar',
  pluginPoint: 'tasklist.navbar.action',
  priority: 200,
  render: node => {
    fetch('/history/access', {credentials: 'same-origin'})
      .then(response => {
        if (response.status === 204) {
          const a = document.createElement('a');
          a.href = '/history/';
          a.textContent = 'Upgrade history';
          node.appendChild(a);
        }
      })
      .catch(() => {});
  }
};
