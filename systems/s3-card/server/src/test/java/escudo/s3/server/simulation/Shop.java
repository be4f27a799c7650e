package escudo.s3.server.simulation;

import escudo.crypto.SigningKey;
import escudo.s3.protocol.PaymentSpec;
import escudo.s3.server.merchant.Merchant;
import escudo.storage.Database;
import java.util.ArrayList;
import java.util.List;

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
