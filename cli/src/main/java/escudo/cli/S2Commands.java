package escudo.cli;

import escudo.s2.client.BlomShares;
import escudo.bank.client.BankApi;
import escudo.s3.api.MerchantApi;
import escudo.s2.api.OrderApi;
import escudo.http.PartyClient;
import escudo.s2.client.Shopper;
import escudo.s2.protocol.DirectoryKeys;
import escudo.s2.protocol.OrderMessage;
import escudo.s2.protocol.PairwiseKeys;
import escudo.s2.api.Delivery;
import escudo.s2.api.PaymentCard;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** S2 (seed 002): the holder's split order, the bank's and the courier's desks, and the Blom key authority. */
final class S2Commands {

    private S2Commands() {}

    @Command(name = "shopper", description = "S2: the bank's desk enrols a customer for split orders.", subcommands = Shoppers.Enrol.class)
    static final class Shoppers extends Group {

        @Command(name = "enrol", description = "Make the holder's X25519 key (kept in --holders) and publish it in the bank's key directory.")
        static final class Enrol extends BankAction {

            @Mixin
            Holder holder;

            @Override
            void run(PartyClient bank) {
                DirectoryKeys keys = Shopping.enrol(bank, holder.dir(nodes), holder.id);
                out().println(holder.id + " enrolled for split orders; X25519 key " + keys.publicKey().hex()
                        + " published in the bank's directory, private key in " + holder.dir(nodes));
            }
        }
    }

    @Command(name = "payment-card", description = "S2: the bank's desk issues payment cards for split orders.",
            subcommands = PaymentCards.Issue.class)
    static final class PaymentCards extends Group {

        @Command(name = "issue", description = "Issue a payment card to a customer; prints its number and expiry.")
        static final class Issue extends BankAction {

            @Option(names = "--customer", required = true, paramLabel = "ID", description = "The customer.")
            String customer;

            @Override
            void run(PartyClient bank) {
                PaymentCard card = bank.post("/issuer/payment-cards", new OrderApi.IssuePaymentCard(customer), PaymentCard.class);
                out().println("payment card " + card.cardNumber() + " valid through " + card.expiry() + " issued to "
                        + card.holderName() + " (" + card.customerId() + ")");
            }
        }
    }

    @Command(name = "shop", description = "S2: the holder's web shop, where the shop, the bank and the courier each read only their part.",
            subcommands = {Shop.Catalogue.class, Shop.Order.class, Shop.Status.class})
    static final class Shop extends Group {

        @Command(name = "catalogue", description = "What the shop sells.")
        static final class Catalogue extends Action {

            @Mixin
            Options.Nodes nodes;

            @Override
            void run() {
                try (PartyClient shop = nodes.merchantAsCustomer()) {
                    OrderApi.Catalogue catalogue = shop.get("/merchant/shop/catalogue", OrderApi.Catalogue.class);
                    out().println(catalogue.sellerId() + " sells:");
                    catalogue.items().forEach(i -> out().printf("  %-14s %-28s %12s%n", i.sku(), i.name(), i.unitPrice()));
                }
            }
        }

        @Command(name = "order", description = "Place one split order: the basket for the shop, the card for the bank, the destination for the courier.")
        static final class Order extends ShopperAction {

            @Option(names = "--items", required = true, paramLabel = "SKU:QTY[,SKU:QTY]", description = "The basket, such as mug:2,kettle:1.")
            OrderMessage.Basket basket;

            @Option(names = "--card-number", required = true, paramLabel = "NUMBER", description = "The payment card's number.")
            String cardNumber;

            @Option(names = "--expiry", required = true, paramLabel = "MM/YY", description = "The payment card's expiry.")
            String expiry;

            @Option(names = "--contact", required = true, paramLabel = "TEXT", description = "How the courier reaches the holder.")
            String contact;

            @Option(names = "--destination", required = true, paramLabel = "TEXT", description = "Where the parcel goes.")
            String destination;

            @Override
            void run(PairwiseKeys keys, PartyClient bank, PartyClient shop) {
                OrderMessage.Offer offer = Shopping.offer(shop, basket);
                out().println("offer " + offer.orderId() + " from " + offer.sellerId() + ": " + offer.itemsText() + " = "
                        + offer.amount() + "; card to " + offer.issuerId() + ", destination to " + offer.courierId());
                String bankId = bank.get("/issuer", BankApi.BankInfo.class).bankId();
                var details = new Shopper.Details(contact, cardNumber, expiry, destination);
                out().println(Shopping.describe(Shopping.place(keys, bankId, shop, offer, details)));
            }
        }

        @Command(name = "status", description = "Where one of the holder's orders stands.")
        static final class Status extends ShopperAction {

            @Option(names = "--order", required = true, paramLabel = "ORDER_ID", description = "The order, as 'shop order' printed it.")
            String order;

            @Override
            void run(PairwiseKeys keys, PartyClient bank, PartyClient shop) {
                String seller = shop.get("/merchant", MerchantApi.MerchantInfo.class).merchantId();
                out().println(Shopping.describe(Shopping.status(keys, seller, shop, order)));
            }
        }
    }

    /** A holder's command at the shop: the holder's pairwise keys, the bank and the shop as a customer sees it. */
    abstract static class ShopperAction extends Action {

        @Mixin
        Holder holder;

        @Mixin
        Options.Nodes nodes;

        abstract void run(PairwiseKeys keys, PartyClient bank, PartyClient shop);

        @Override
        final void run() {
            try (PartyClient bank = nodes.bank(); PartyClient shop = nodes.merchantAsCustomer()) {
                run(holder.keys(nodes, bank), bank, shop);
            }
        }
    }

    @Command(name = "courier", description = "S2: the courier's desk.", subcommands = {Courier.Deliveries.class, Courier.Advance.class})
    static final class Courier extends Group {

        @Command(name = "deliveries", description = "The courier's deliveries: where each parcel goes.")
        static final class Deliveries extends Action {

            @Mixin
            Options.Nodes nodes;

            @Override
            void run() {
                try (PartyClient courier = nodes.courier()) {
                    for (Delivery d : courier.get("/courier/deliveries", OrderApi.Deliveries.class).deliveries()) {
                        out().println("  " + d.trackingId() + " order " + d.orderId() + " of " + d.holderId() + " from " + d.sellerId()
                                + ": " + d.state() + "; " + d.parcel() + " to " + d.destination() + " (" + d.contact() + ")");
                    }
                }
            }
        }

        @Command(name = "advance", description = "Move a delivery on.")
        static final class Advance extends Action {

            @Option(names = "--tracking", required = true, paramLabel = "TRACKING_ID", description = "The delivery.")
            String tracking;

            @Option(names = "--state", required = true, paramLabel = "STATE", description = "picked_up, delivered or failed.")
            OrderMessage.DeliveryState state;

            @Mixin
            Options.Nodes nodes;

            @Override
            void run() {
                try (PartyClient courier = nodes.courier()) {
                    OrderMessage.DeliveryReceipt receipt = courier.post("/courier/deliveries/" + tracking + "/status",
                            new OrderApi.Advance(state), OrderMessage.DeliveryReceipt.class);
                    out().println("delivery " + receipt.trackingId() + " of order " + receipt.orderId() + ": " + receipt.state());
                }
            }
        }
    }

    @Command(name = "blom", description = "S2: the Blom key authority, instead of the bank's key directory.", subcommands = Blom.Issue.class)
    static final class Blom extends Group {

        @Command(name = "issue", description = {"Issue one key share per party and shopper, then forget the key matrix.",
                "Parties' shares go to <data dir>/blom, shoppers' to --holders; serve with escudo.order.keys=blom."})
        static final class Issue extends Action {

            @Option(names = "--k", required = true, paramLabel = "K", description = "The collusion bound: any K+1 shares together would recover the key matrix.")
            int k;

            @Option(names = "--parties", required = true, split = ",", paramLabel = "ID", description = "The nodes' ids.")
            List<String> parties;

            @Option(names = "--shoppers", split = ",", paramLabel = "ID", description = "The holders' ids.")
            List<String> shoppers = List.of();

            @Mixin
            Options.Nodes nodes;

            @Override
            void run() {
                Map<String, Path> files = new LinkedHashMap<>();
                Path blom = nodes.config().dataDir().resolve(BlomShares.DIR);
                parties.forEach(id -> files.put(id.strip(), BlomShares.file(blom, id.strip())));
                shoppers.forEach(id -> files.put(id.strip(), nodes.holders().resolve(id.strip()).resolve(Shopping.BLOM_FILE)));
                BlomShares.issue(k, files);
                files.forEach((id, file) -> out().println("share of " + id + " in " + file));
                out().println("the key matrix made " + files.size() + " shares and is forgotten; any " + (k + 1)
                        + " shares together would recover it (docs/split-order.md)");
            }
        }
    }

    /** The card holder whose S2 keys this command uses. */
    static final class Holder {

        @Option(names = "--holder", required = true, paramLabel = "ID", converter = Converters.FileName.class,
                description = "The holder (customer) id; the keys are in --holders/ID.")
        String id;

        Path dir(Options.Nodes nodes) {
            return nodes.holders().resolve(id);
        }

        /** The holder's pairwise keys, from the directory key or the Blom share kept in {@link #dir}. */
        PairwiseKeys keys(Options.Nodes nodes, PartyClient bank) {
            return Shopping.open(dir(nodes), id, bank);
        }
    }
}
