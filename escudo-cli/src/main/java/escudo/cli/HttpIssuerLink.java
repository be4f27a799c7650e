package escudo.cli;

import escudo.device.IssuerLink;
import escudo.device.RegistrationInfo;
import escudo.node.api.TradeApi;
import escudo.node.http.PartyClient;
import escudo.protocol.trade.RegistrationReceipt;
import escudo.protocol.trade.TradeEnvelope;

/** The device's way to the issuer's trade centre over HTTP (seed 000: the data transmission network). */
final class HttpIssuerLink implements IssuerLink {

    private final PartyClient bank;

    HttpIssuerLink(PartyClient bank) {
        this.bank = bank;
    }

    @Override
    public RegistrationInfo registrationInfo() {
        return bank.get("/issuer/devices/registration", RegistrationInfo.class);
    }

    @Override
    public RegistrationReceipt register(byte[] sealedRegistration) {
        return bank.post("/issuer/devices", new TradeApi.Registration(sealedRegistration), RegistrationReceipt.class);
    }

    @Override
    public TradeEnvelope exchange(TradeEnvelope request) {
        return bank.post("/issuer/devices/" + request.deviceId() + "/messages", request, TradeEnvelope.class);
    }
}
