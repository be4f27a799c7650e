'use strict';
// Seed 001 at a shop's checkout: the page talks only to the shop, which asks the bank for the
// approval of the purchase at its own price. PHONE: the bank rings the phone and the page follows
// the order every second (Fig. 3). CODE: the page shows the bank's code, a new frame each second,
// and forwards the signed approval the phone hands over as a file (Fig. 5).
(() => {
  const { POLL_MS, FINAL, ENDED, $, showError, call, post, base64, picture } = window.S1;
  let order = null;
  let timer = null;

  const orderPath = what => '/merchant/s1/shop/orders/' + order.orderId + '/' + what;

  function show(status) {
    $('status').textContent = status.status;
    $('hint').textContent = status.hint;
    document.body.dataset.status = status.status;
    if (FINAL.includes(status.status)) {
      clearInterval(timer);
      $('qr').hidden = true;
      $('handover').hidden = true;
      $('cancel').hidden = true;
      $('again').hidden = false;
    }
  }

  async function follow() {
    try {
      if (order.flow === 'PHONE') {
        show(await post(orderPath('collect'), {}));
        return;
      }
      await picture('qr', await call(orderPath('frame'), {}));
    } catch (e) {
      if (ENDED[e.code]) {
        show(await post(orderPath('collect'), {}));
      } else {
        showError(e.message);
      }
    }
  }

  async function loadItems() {
    const items = (await (await fetch('/merchant/s1/shop/items')).json()).items;
    for (const item of items) {
      const option = document.createElement('option');
      option.value = item.itemId;
      option.textContent = item.name + ': ' + (item.price.minor / 100).toFixed(2) + ' ' + item.price.currency;
      $('item').appendChild(option);
    }
  }

  $('checkout').addEventListener('submit', async event => {
    event.preventDefault();
    $('error').hidden = true;
    const flow = event.submitter && event.submitter.id === 'pay-qr' ? 'CODE' : 'PHONE';
    try {
      order = await post('/merchant/s1/shop/orders', {
        itemId: $('item').value, customerId: $('customer').value.trim(), phoneNumber: $('phone').value.trim(), flow
      });
      $('summary').textContent = order.item + ': ' + (order.amount.minor / 100).toFixed(2) + ' ' + order.amount.currency;
      $('instructions').textContent = flow === 'PHONE'
        ? 'Open Escudo on your phone, check the shop and the amount, and enter your PIN.'
        : 'Open Escudo on your phone and scan this code. It changes every second: a photograph of it goes stale.';
      $('expires').textContent = new Date(order.expiresAt).toLocaleTimeString();
      $('checkout').hidden = true;
      $('progress').hidden = false;
      $('qr').removeAttribute('src'); // the last order's frame is not this one's
      $('qr').hidden = flow !== 'CODE';
      $('handover').hidden = flow !== 'CODE';
      $('signed').value = '';
      $('cancel').hidden = false;
      $('again').hidden = true;
      show({ status: 'WAITING', hint: flow === 'PHONE' ? 'waiting for the phone' : 'scan the code' });
      await follow();
      timer = setInterval(follow, POLL_MS);
    } catch (e) {
      showError(e.message);
    }
  });

  $('signed').addEventListener('change', async () => {
    const file = $('signed').files[0];
    if (!file) { return; }
    $('error').hidden = true;
    try {
      show(await post(orderPath('signature'), { signed: await base64(file) }));
    } catch (e) {
      showError(e.message); // a stale frame, say: the code keeps changing, and the phone scans it again
      $('signed').value = '';
    }
  });

  $('cancel').addEventListener('click', async () => {
    try {
      show(await post(orderPath('cancel'), {}));
    } catch (e) {
      showError(e.message);
    }
  });

  $('again').addEventListener('click', () => {
    clearInterval(timer);
    $('progress').hidden = true;
    $('checkout').hidden = false;
    $('error').hidden = true;
    delete document.body.dataset.status;
  });

  loadItems().catch(e => showError(e.message));
})();
