package escudo.s0.device;

import escudo.s0.api.RegistrationInfo;
import escudo.s0.protocol.RegistrationReceipt;
import escudo.s0.protocol.TradeEnvelope;

/**
 * How a wallet reaches its issuer (the "trade server center" of seed 000). Implemented over HTTP by
 * the node; in tests by an in-process issuer. Failures are {@link escudo.core.EscudoException}s.
 */
public interface IssuerLink {

    /** The issuer's id, registration key and bank key; the wallet checks them before it uses them. */
    RegistrationInfo registrationInfo();

    /** Sends an HPKE-sealed {@link escudo.s0.protocol.DeviceRegistration}; answers the signed receipt. */
    RegistrationReceipt register(byte[] sealedRegistration);

    /** Sends one protected trade message and answers the issuer's protected reply. */
    TradeEnvelope exchange(TradeEnvelope request);
}
