'use strict';
// Seed 001, Fig. 3 on the PC (S150-S210, S270): start the transfer for the phone, then follow it
// with the collect token until it ends, as BankID's relying parties collect every second or two.
(() => {
  const POLL_MS = 1000;
  const FINAL = ['DONE', 'DECLINED', 'CANCELLED', 'EXPIRED'];
  const $ = id => document.getElementById(id);
  let approval = null;
  let timer = null;

  function minorUnits(text) {
    const m = /^([0-9]{1,9})(?:\.([0-9]{2}))?$/.exec(text.trim());
    if (!m) { throw new Error('an amount is like 25 or 25.00'); }
    return Number(m[1]) * 100 + Number(m[2] || '0');
  }

  function showError(text) {
    $('error').textContent = text;
    $('error').hidden = false;
  }

  async function post(path, body) {
    const response = await fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const json = await response.json();
    if (!response.ok) {
      throw new Error((json.detail || 'refused') + ' [' + (json.code || response.status) + ']');
    }
    return json;
  }

  function show(status) {
    $('status').textContent = status.status;
    $('hint').textContent = status.hint;
    $('expires').textContent = new Date(status.expiresAt).toLocaleTimeString();
    document.body.dataset.status = status.status;
    if (FINAL.includes(status.status)) {
      clearInterval(timer);
      $('cancel').hidden = true;
      $('again').hidden = false;
    }
  }

  async function collect() {
    try {
      show(await post('/issuer/s1/approvals/' + approval.approvalId + '/collect', { collectToken: approval.collectToken }));
    } catch (e) {
      showError(e.message);
    }
  }

  $('transfer').addEventListener('submit', async event => {
    event.preventDefault();
    $('error').hidden = true;
    try {
      approval = await post('/issuer/s1/approvals/transfers', {
        customerId: $('customer').value.trim(),
        phoneNumber: $('phone').value.trim(),
        payeeCustomerId: $('payee').value.trim(),
        amount: { minor: minorUnits($('amount').value), currency: $('currency').value },
        message: $('message').value.trim()
      });
      $('summary').textContent = $('amount').value.trim() + ' ' + $('currency').value + ' to ' + $('payee').value.trim()
          + ': ' + $('message').value.trim();
      $('transfer').hidden = true;
      $('progress').hidden = false;
      $('cancel').hidden = false;
      $('again').hidden = true;
      await collect();
      timer = setInterval(collect, POLL_MS);
    } catch (e) {
      showError(e.message);
    }
  });

  $('cancel').addEventListener('click', async () => {
    try {
      show(await post('/issuer/s1/approvals/' + approval.approvalId + '/cancel', { collectToken: approval.collectToken }));
    } catch (e) {
      showError(e.message);
    }
  });

  $('again').addEventListener('click', () => {
    $('progress').hidden = true;
    $('transfer').hidden = false;
    $('transfer').reset();
    delete document.body.dataset.status;
  });
})();
