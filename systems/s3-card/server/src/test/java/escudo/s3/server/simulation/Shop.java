package escudo.s3.server.simulation;

import escudo.crypto.SigningKey;
import escudo.s3.protocol.PaymentSpec;
import escudo.s3.server.merchant.Merchant;
import escudo.storage.Database;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A merchant of the simulation: its node's database and key stay, its {@link Merchant} may restart. */
final class Shop {

    final int index;
    final String id;
    final Merchant.Settings settings;
    final Database db;
    final SigningKey key;
    final FaultyBankLink link;
    final String account;
    Merchant merchant;
    int restarts;
    /** The merchant's connection to the bank is down until this step (a noisy network aside). */
    int offlineUntilStep;
    /** Payment specifications presented but not paid yet, oldest first. */
    final List<PaymentSpec> openCheckouts = new ArrayList<>();
    /** Every checkout the till presented and no payment claimed yet, by reference: what the merchant must still hold. */
    final Map<String, Instant> unpaid = new HashMap<>();
    /** The unpaid checkouts the merchant's cleanup job deleted. */
    final Set<String> forgotten = new HashSet<>();
    /** When the node's cleanup job runs next. */
    Instant nextCleanup = Simulation.START;

    Shop(int index, Merchant.Settings settings, Database db, SigningKey key, FaultyBankLink link, String account) {
        this.index = index;
        this.id = settings.merchantId();
        this.settings = settings;
        this.db = db;
        this.key = key;
        this.link = link;
        this.account = account;
    }

    long onlineLimit() {
        return settings.onlineClearingLimitMinor();
    }

    String label() {
        return "shop" + index;
    }
}
