package escudo.s3.server.simulation;

import escudo.ledger.Account;
import escudo.s3.api.AcceptedPayment;
import escudo.s3.api.Alert;
import escudo.s3.card.CardStatus;
import escudo.s3.protocol.CardKind;
import escudo.s3.server.simulation.Simulation.PaymentKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What must hold after every step, read from the parties themselves (the bank's ledger and
 * tables, each merchant's store, each card) and compared with each other and with the
 * simulation's model. Each check returns what it found broken, in words that name the party.
 */
final class Invariants {

    /** One row of the bank's table of cleared ser#s. */
    private record ClearedRow(String merchantId, long amount, Long credited) {
    }

    private final Simulation sim;
    private final List<String> broken = new ArrayList<>();
    private final Map<PaymentKey, ClearedRow> clearedAtBank;
    private final Set<String> blacklistedAtBank;
    private final Map<String, Long> ledger = new HashMap<>();

    private Invariants(Simulation sim) {
        this.sim = sim;
        this.clearedAtBank = sim.bankDb.inTransaction(tx -> {
            Map<PaymentKey, ClearedRow> rows = new HashMap<>();
            tx.query("SELECT card_number, serial, merchant_id, amount_minor, credited_minor FROM issuer_cleared_payment", r -> {
                long credited = r.getLong(5);
                return rows.put(new PaymentKey(r.getString(1), r.getLong(2)),
                        new ClearedRow(r.getString(3), r.getLong(4), r.wasNull() ? null : credited));
            });
            return rows;
        });
        this.blacklistedAtBank = sim.blacklistedAtBank();
    }

    static List<String> check(Simulation sim) {
        Invariants invariants = new Invariants(sim);
        invariants.ledger();
        invariants.clearing();
        invariants.cards();
        invariants.merchants();
        invariants.doubleSpends();
        return invariants.broken;
    }

    /** Double entry: totals zero, balances the sum of their postings, within their limits, and what the model says. */
    private void ledger() {
        sim.bank.ledger().totals().forEach((currency, total) -> {
            if (total != 0) {
                broken.add("ledger total in " + currency + " is " + total + ", not 0");
            }
        });
        for (Account account : sim.bank.ledger().accounts()) {
            ledger.put(account.id(), account.balance().minorUnits());
            if (account.balance().minorUnits() < -account.creditLimitMinor()) {
                broken.add("ledger account " + account.id() + " holds " + account.balance() + ", beyond its credit limit " + account.creditLimitMinor());
            }
        }
        broken.addAll(sim.bankDb.inTransaction(tx -> tx.query("""
                SELECT a.id, a.balance, COALESCE(SUM(p.amount), 0) AS posted
                FROM ledger_accounts a LEFT JOIN ledger_postings p ON p.account_id = a.id
                GROUP BY a.id, a.balance
                HAVING a.balance <> COALESCE(SUM(p.amount), 0)""",
                r -> "ledger account " + r.getString(1) + " holds " + r.getLong(2) + " but its postings sum to " + r.getLong(3))));
        broken.addAll(sim.bankDb.inTransaction(tx -> tx.query("""
                SELECT t.id FROM ledger_transfers t LEFT JOIN ledger_postings p ON p.transfer_id = t.id
                GROUP BY t.id, t.amount, t.from_account, t.to_account
                HAVING COUNT(p.seq) <> 2
                    OR SUM(CASE WHEN p.account_id = t.from_account AND p.amount = -t.amount THEN 1 ELSE 0 END) <> 1
                    OR SUM(CASE WHEN p.account_id = t.to_account AND p.amount = t.amount THEN 1 ELSE 0 END) <> 1""",
                r -> "ledger transfer " + r.getString(1) + " is not one debit and one credit of its amount")));
        Map<String, Long> expected = sim.books.all();
        if (!expected.keySet().equals(ledger.keySet())) {
            broken.add("the ledger's accounts " + new java.util.TreeSet<>(ledger.keySet()) + " are not the model's " + new java.util.TreeSet<>(expected.keySet()));
        }
        expected.forEach((account, balance) -> {
            Long actual = ledger.get(account);
            if (actual != null && actual.longValue() != balance) {
                broken.add("ledger account " + account + " holds " + Simulation.money(actual) + ", the model expects " + Simulation.money(balance));
            }
        });
    }

    /** Each (card, ser#) cleared at most once, and exactly the payments the bank answered CLEARED. */
    private void clearing() {
        if (!clearedAtBank.keySet().equals(sim.cleared.keySet())) {
            Set<PaymentKey> extra = new HashSet<>(clearedAtBank.keySet());
            extra.removeAll(sim.cleared.keySet());
            Set<PaymentKey> missing = new HashSet<>(sim.cleared.keySet());
            missing.removeAll(clearedAtBank.keySet());
            broken.add("the bank's cleared ser#s differ from the CLEARED answers it gave: not answered " + extra + ", answered but absent " + missing);
        }
        sim.cleared.forEach((key, answered) -> {
            ClearedRow row = clearedAtBank.get(key);
            if (row != null && (!row.merchantId().equals(answered.merchantId()) || row.amount() != answered.amount()
                    || !Objects.equals(row.credited(), answered.credited()))) {
                broken.add("the bank recorded " + key + " as " + row + " but answered " + answered);
            }
        });
    }

    /** Card accounts hold the initial value and the top-ups less what was cleared; each card holds what the model says. */
    private void cards() {
        Map<String, Long> clearedPerCard = clearedAtBank.entrySet().stream().collect(
                Collectors.groupingBy(e -> e.getKey().cardNumber(), Collectors.summingLong(e -> e.getValue().amount())));
        for (Holder h : sim.holders) {
            long account = ledger.getOrDefault(h.account, 0L);
            if (account != h.expectedAccountBalance()) {
                broken.add(h + "'s card account holds " + Simulation.money(account) + ", not its initial value "
                        + Simulation.money(h.initialValue) + " plus top-ups " + Simulation.money(h.toppedUp) + " less payments cleared "
                        + Simulation.money(h.cleared));
            }
            if (clearedPerCard.getOrDefault(h.cardNumber, 0L) != h.cleared) {
                broken.add(h + ": the bank's cleared ser#s sum to " + Simulation.money(clearedPerCard.getOrDefault(h.cardNumber, 0L))
                        + ", the model's " + Simulation.money(h.cleared));
            }
            if (h.kind == CardKind.CASH ? account < 0 : account < -h.creditLimit) {
                broken.add(h + "'s card account holds " + Simulation.money(account) + ", beyond what a " + h.kind + " card may owe");
            }
            CardStatus status = h.card.status();
            if (status.balance() != h.cardBalance || status.nextSerial() != h.nextSerial || status.nextSequence() != h.nextSequence
                    || status.pinTriesLeft() != h.pinTriesLeft || status.locked() != h.locked()) {
                broken.add(h + " shows " + status + ", the model expects balance " + h.cardBalance + ", ser# " + h.nextSerial
                        + ", seq# " + h.nextSequence + ", " + h.pinTriesLeft + " PIN tries");
            }
            if (!h.card.pendingWithdrawal().equals(Optional.ofNullable(h.pending))) {
                broken.add(h + " keeps " + h.card.pendingWithdrawal() + " as its pending withdrawal, the model expects " + h.pending);
            }
            if (!h.card.certificate().equals(h.certificate)) {
                broken.add(h + " holds another CARD-CERT than the one the bank gave it last");
            }
            if (!h.compromised) {
                // An honest card is never caught, and holds at most what the bank holds for it (payments not deposited yet).
                if (blacklistedAtBank.contains(h.cardNumber)) {
                    broken.add(h + " is blacklisted though no clone of it ever paid: " + sim.issuer.card(h.cardNumber).blacklistReason());
                }
                if (status.balance() > h.bankSide(account)) {
                    broken.add(h + " holds " + Simulation.money(status.balance()) + ", more than the bank's " + Simulation.money(h.bankSide(account)));
                }
            }
        }
    }

    /**
     * The merchant's view agrees with the bank's: a payment it holds as cleared was cleared at
     * the bank for it and credited as it says; one it holds as refused was not paid; the deposit
     * account holds what the cleared ones credited, all of it once nothing waits. A payment an
     * honest card made and the merchant accepted is never refused.
     */
    private void merchants() {
        for (Shop s : sim.shops) {
            List<AcceptedPayment> payments = s.merchant.payments();
            long credited = 0;
            int collected = 0;
            Set<PaymentKey> held = new HashSet<>();
            for (AcceptedPayment p : payments) {
                PaymentKey key = new PaymentKey(p.cardNumber(), p.serial());
                held.add(key);
                ClearedRow row = clearedAtBank.get(key);
                boolean paidToThisShop = row != null && row.merchantId().equals(s.id);
                Holder h = sim.byCardNumber.get(p.cardNumber());
                String what = s.label() + "'s payment ser# " + p.serial() + " of " + h.label() + " (" + p.amount() + ")";
                if (p.collected()) {
                    collected++;
                    continue;
                }
                switch (p.status()) {
                    case CLEARED, ALREADY_CLEARED -> {
                        credited += p.credited().minorUnits();
                        if (!paidToThisShop || !Objects.equals(row.credited(), p.credited().minorUnits())) {
                            broken.add(what + " is " + p.status() + " crediting " + p.credited() + " at the merchant, but the bank "
                                    + (row == null ? "never cleared it" : "cleared it as " + row));
                        }
                    }
                    case REFUSED, BOUNCED -> {
                        if (paidToThisShop) {
                            broken.add(what + " is " + p.status() + " (" + p.code() + ") at the merchant, but the bank paid it: "
                                    + Simulation.money(row.credited() == null ? 0 : row.credited()) + " credited");
                        }
                        if (!h.compromised) {
                            broken.add(what + ": the merchant accepted it from an honest card and the bank " + p.status() + " it ("
                                    + p.code() + ": " + p.detail() + ")");
                        }
                    }
                }
            }
            clearedAtBank.forEach((key, row) -> {
                if (row.merchantId().equals(s.id) && !held.contains(key)) {
                    broken.add("the bank paid " + s.label() + " for " + key + ", which the merchant never accepted");
                }
            });
            // A payment whose checkout were gone could never be deposited (the deposit reads the two together).
            long orphans = s.db.inTransaction(tx -> tx.queryOne("SELECT COUNT(*) FROM merchant_payment p LEFT JOIN merchant_checkout c"
                    + " ON c.reference = p.reference WHERE c.reference IS NULL", r -> r.getLong(1))).orElseThrow();
            if (orphans > 0) {
                broken.add(s.label() + " holds " + orphans + " payments whose checkout it deleted");
            }
            long unpaid = s.db.inTransaction(tx -> tx.queryOne("SELECT COUNT(*) FROM merchant_checkout WHERE paid = FALSE",
                    r -> r.getLong(1))).orElseThrow();
            if (unpaid != s.unpaid.size()) {
                broken.add(s.label() + " keeps " + unpaid + " unpaid checkouts, the model expects " + s.unpaid.size());
            }
            long balance = ledger.getOrDefault(s.account, 0L);
            if (credited > balance || (collected == 0 && credited != balance)) {
                broken.add(s.label() + "'s cleared payments credit " + Simulation.money(credited) + " (" + collected
                        + " still collected) but its deposit account holds " + Simulation.money(balance));
            }
        }
    }

    /**
     * Seed 003, step 670: once two different payments under one (card, ser#) reached the bank,
     * the card is blacklisted and alerted; a blacklisted card always has its alert; a merchant's
     * copy of the blacklist names only cards the bank blacklisted.
     */
    private void doubleSpends() {
        Set<String> alerted = sim.issuer.alerts().stream().map(Alert::cardNumber).collect(Collectors.toSet());
        sim.delivered.forEach((key, digests) -> {
            if (digests.size() > 1) {
                Holder h = sim.byCardNumber.get(key.cardNumber());
                if (!blacklistedAtBank.contains(key.cardNumber()) || !alerted.contains(key.cardNumber())) {
                    broken.add(digests.size() + " different payments of " + h.label() + " under ser# " + key.serial()
                            + " reached the bank, yet the card is " + (blacklistedAtBank.contains(key.cardNumber()) ? "" : "not ")
                            + "blacklisted and " + (alerted.contains(key.cardNumber()) ? "" : "not ") + "alerted");
                }
            }
        });
        for (String card : blacklistedAtBank) {
            if (!alerted.contains(card)) {
                broken.add(sim.byCardNumber.get(card).label() + " is blacklisted without an alert");
            }
        }
        for (Shop s : sim.shops) {
            for (Holder h : sim.holders) {
                if (s.merchant.isBlacklisted(h.cardNumber) && !blacklistedAtBank.contains(h.cardNumber)) {
                    broken.add(s.label() + " has " + h.label() + " on its blacklist, the bank does not");
                }
            }
        }
    }
}
