'use strict';
// What the S1 pages share: their calls to their own node, a refusal shown with its stable code,
// the frames of the QR code, and a file the phone handed over read as base64.
window.S1 = (() => {
  const POLL_MS = 1000;
  const FINAL = ['DONE', 'DECLINED', 'CANCELLED', 'EXPIRED'];
  /** The refusals that mean the approval ended, and how. */
  const ENDED = { 's1.approval-expired': 'EXPIRED', 's1.approval-cancelled': 'CANCELLED', 's1.approval-done': 'DONE' };
  const $ = id => document.getElementById(id);
  const pictures = {};

  function showError(text) {
    $('error').textContent = text;
    $('error').hidden = false;
  }

  async function call(path, body) {
    const response = await fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    if (!response.ok) {
      const json = await response.json();
      const error = new Error((json.detail || 'refused') + ' [' + (json.code || response.status) + ']');
      error.code = json.code;
      throw error;
    }
    return response;
  }

  const post = async (path, body) => (await call(path, body)).json();

  async function base64(file) {
    let text = '';
    new Uint8Array(await file.arrayBuffer()).forEach(b => { text += String.fromCharCode(b); });
    return btoa(text);
  }

  /** Shows the image of {@code response} (a frame of the QR code) in the img {@code id}, forgetting the one before. */
  async function picture(id, response) {
    const previous = pictures[id];
    pictures[id] = URL.createObjectURL(await response.blob());
    $(id).src = pictures[id];
    if (previous) { URL.revokeObjectURL(previous); }
  }

  return { POLL_MS, FINAL, ENDED, $, showError, call, post, base64, picture };
})();
