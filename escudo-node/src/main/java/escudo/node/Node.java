package escudo.node;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One process running the roles its configuration names, each on its own port and database.
 * The issuer starts first, so a merchant in the same node can fetch the bank's key from it.
 */
public final class Node implements AutoCloseable {

    private final IssuerNode issuer;
    private final MerchantNode merchant;

    private Node(IssuerNode issuer, MerchantNode merchant) {
        this.issuer = issuer;
        this.merchant = merchant;
    }

    public static Node start(NodeConfig config, Map<String, String> env) {
        KeyVault keys = KeyVault.open(config.dataDir(), env);
        List<AutoCloseable> started = new ArrayList<>();
        try {
            IssuerNode issuer = null;
            if (config.runs(NodeConfig.Role.ISSUER)) {
                issuer = IssuerNode.start(config.issuerId(), config.issuerJdbc(), new IssuerNode.Keys(keys.signingKey("issuer"),
                        keys.sealKey("issuer-registration"), keys.box("issuer-devices"), keys.operatorToken(env)),
                        config.bindHost(), config.issuerPort());
                started.add(issuer);
            }
            MerchantNode merchant = null;
            if (config.runs(NodeConfig.Role.MERCHANT)) {
                merchant = MerchantNode.start(new MerchantNode.Settings(config.merchantId(), config.merchantCurrency(),
                                config.merchantOnlineLimitMinor(), config.issuerUrl(), config.issuerId()),
                        config.merchantJdbc(), keys.signingKey("merchant-" + config.merchantId().toLowerCase().replaceAll("[^a-z0-9-]", "-")),
                        config.bindHost(), config.merchantPort());
            }
            return new Node(issuer, merchant);
        } catch (RuntimeException e) {
            for (AutoCloseable c : started) {
                try {
                    c.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    public Optional<IssuerNode> issuer() {
        return Optional.ofNullable(issuer);
    }

    public Optional<MerchantNode> merchant() {
        return Optional.ofNullable(merchant);
    }

    @Override
    public void close() {
        if (merchant != null) {
            merchant.close();
        }
        if (issuer != null) {
            issuer.close();
        }
    }
}
