package escudo.node;

import escudo.crypto.SecretAccess;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One process running the roles its configuration names, each on its own port and database.
 * The issuer starts first, so a merchant or courier in the same node can fetch the bank's key and
 * publish its S2 keys in the bank's directory (with the operator token of this data directory).
 */
public final class Node implements AutoCloseable {

    private final IssuerNode issuer;
    private final MerchantNode merchant;
    private final CourierNode courier;

    private Node(IssuerNode issuer, MerchantNode merchant, CourierNode courier) {
        this.issuer = issuer;
        this.merchant = merchant;
        this.courier = courier;
    }

    public static Node start(NodeConfig config, Map<String, String> env) {
        KeyVault keys = KeyVault.open(config.dataDir(), env);
        List<AutoCloseable> started = new ArrayList<>();
        try {
            IssuerNode issuer = null;
            if (config.runs(NodeConfig.Role.ISSUER)) {
                issuer = IssuerNode.start(config.issuerId(), config.issuerJdbc(), new IssuerNode.Keys(keys.signingKey("issuer"),
                        keys.sealKey("issuer-registration"), keys.box("issuer-devices"), keys.operatorToken(env),
                        orderKeys(config, keys, config.issuerId())), config.bindHost(), config.issuerPort());
                started.add(issuer);
            }
            CourierNode courier = null;
            if (config.runs(NodeConfig.Role.COURIER)) {
                courier = CourierNode.start(new CourierNode.Settings(config.courierId(), config.issuerUrl(), config.issuerId(),
                                keys.operatorToken(env), orderKeys(config, keys, config.courierId()), keys.operatorToken(env)),
                        config.courierJdbc(), keys.signingKey("courier-" + slug(config.courierId())), config.bindHost(),
                        config.courierPort());
                started.add(courier);
            }
            MerchantNode merchant = null;
            if (config.runs(NodeConfig.Role.MERCHANT)) {
                merchant = MerchantNode.start(new MerchantNode.Settings(config.merchantId(), config.merchantCurrency(),
                                config.merchantOnlineLimitMinor(), config.issuerUrl(), config.issuerId(),
                                new MerchantNode.ShopSettings(config.courierId(), config.courierUrl(),
                                        orderKeys(config, keys, config.merchantId()), keys.operatorToken(env))),
                        config.merchantJdbc(), keys.signingKey("merchant-" + slug(config.merchantId())),
                        config.bindHost(), config.merchantPort());
            }
            return new Node(issuer, merchant, courier);
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

    /**
     * A party's S2 secret: in Blom mode its share from {@code <data dir>/blom/<id>.share}; else its
     * static X25519 key, sealed in the vault under a name taken from a hash of the exact
     * identifier, so two parties of one node never share a key.
     */
    private static OrderKeys orderKeys(NodeConfig config, KeyVault keys, String partyId) {
        if (config.orderKeys() == NodeConfig.OrderKeyMode.BLOM) {
            return new OrderKeys.Blom(BlomShares.read(BlomShares.file(config.dataDir().resolve(BlomShares.DIR), partyId)));
        }
        byte[] digest = escudo.crypto.Digest.sha256(partyId.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String name = "order-" + java.util.HexFormat.of().formatHex(digest, 0, 16);
        return new OrderKeys.Directory(keys.sealKey(name).privateKey(SecretAccess.forSealedStorage()));
    }

    private static String slug(String id) {
        String slug = id.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        return slug.length() > 50 ? slug.substring(0, 50) : slug;
    }

    public Optional<IssuerNode> issuer() {
        return Optional.ofNullable(issuer);
    }

    public Optional<MerchantNode> merchant() {
        return Optional.ofNullable(merchant);
    }

    public Optional<CourierNode> courier() {
        return Optional.ofNullable(courier);
    }

    @Override
    public void close() {
        if (merchant != null) {
            merchant.close();
        }
        if (courier != null) {
            courier.close();
        }
        if (issuer != null) {
            issuer.close();
        }
    }
}
