'use strict';
// Seed 001 on the PC. Fig. 3 (S150-S210, S270): start the transfer for the phone, then follow it
// with the collect token until it ends, as BankID's relying parties collect every second or two.
// Fig. 5 (S300-S400): show the transfer as a QR code whose frame the bank renews every second, take
// the signed approval the phone hands over as a file, and forward it.
(() => {
  const { POLL_MS, FINAL, ENDED, $, showError, call, post, base64, picture } = window.S1;
  let approval = null;
  let handoff = null;
  let timer = null;

  function minorUnits(text) {
    const m = /^([0-9]{1,9})(?:\.([0-9]{2}))?$/.exec(text.trim());
    if (!m) { throw new Error('an amount is like 25 or 25.00'); }
    return Number(m[1]) * 100 + Number(m[2] || '0');
  }

  function transfer() {
    return {
      customerId: $('customer').value.trim(),
      phoneNumber: $('phone').value.trim(),
      payeeCustomerId: $('payee').value.trim(),
      amount: { minor: minorUnits($('amount').value), currency: $('currency').value },
      message: $('message').value.trim()
    };
  }

  function summary() {
    return $('amount').value.trim() + ' ' + $('currency').value + ' to ' + $('payee').value.trim() + ': ' + $('message').value.trim();
  }

  // Flow A: the bank stores it and rings the phone; the page collects
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

  async function startFlowA() {
    approval = await post('/issuer/s1/approvals/transfers', transfer());
    $('summary').textContent = summary();
    $('transfer').hidden = true;
    $('progress').hidden = false;
    $('cancel').hidden = false;
    $('again').hidden = true;
    await collect();
    timer = setInterval(collect, POLL_MS);
  }

  // Flow B: the bank keeps nothing; the page shows the current frame and forwards the phone's signature
  function showHandoff(status, hint) {
    $('handoff-status').textContent = status;
    $('handoff-hint').textContent = hint;
    document.body.dataset.status = status;
    if (FINAL.includes(status)) {
      clearInterval(timer);
      $('qr').hidden = true;
      $('signed').disabled = true;
      $('handoff-cancel').hidden = true;
      $('handoff-again').hidden = false;
    }
  }


  async function nextFrame() {
    try {
      await picture('qr', await call('/issuer/s1/handoffs/frame', { ticket: handoff.ticket }));
    } catch (e) {
      if (ENDED[e.code]) {
        showHandoff(ENDED[e.code], e.message);
      } else {
        showError(e.message);
      }
    }
  }

  async function startFlowB() {
    handoff = await post('/issuer/s1/handoffs/transfers', transfer());
    $('handoff-summary').textContent = summary();
    $('handoff-expires').textContent = new Date(handoff.expiresAt).toLocaleTimeString();
    $('transfer').hidden = true;
    $('handoff').hidden = false;
    $('qr').removeAttribute('src'); // the last hand-off's frame is not this one's
    $('qr').hidden = false;
    $('signed').disabled = false;
    $('signed').value = '';
    $('handoff-cancel').hidden = false;
    $('handoff-again').hidden = true;
    showHandoff('scan the code', 'the code changes every second');
    await nextFrame();
    timer = setInterval(nextFrame, POLL_MS);
  }

  $('signed').addEventListener('change', async () => {
    const file = $('signed').files[0];
    if (!file) { return; }
    $('error').hidden = true;
    try {
      const status = await post('/issuer/s1/handoffs/signature', { signed: await base64(file) });
      showHandoff(status.status, status.hint);
    } catch (e) {
      showError(e.message); // a stale frame, say: the code keeps changing, and the phone scans it again
      $('signed').value = '';
    }
  });

  $('transfer').addEventListener('submit', async event => {
    event.preventDefault();
    $('error').hidden = true;
    try {
      if (event.submitter && event.submitter.id === 'start-qr') {
        await startFlowB();
      } else {
        await startFlowA();
      }
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

  $('handoff-cancel').addEventListener('click', async () => {
    try {
      const status = await post('/issuer/s1/handoffs/cancel', { ticket: handoff.ticket });
      showHandoff(status.status, status.hint);
    } catch (e) {
      showError(e.message);
    }
  });

  function again() {
    clearInterval(timer);
    $('progress').hidden = true;
    $('handoff').hidden = true;
    $('transfer').hidden = false;
    $('transfer').reset();
    delete document.body.dataset.status;
  }

  $('again').addEventListener('click', again);
  $('handoff-again').addEventListener('click', again);
})();
