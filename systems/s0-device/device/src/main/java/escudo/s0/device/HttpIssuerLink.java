package escudo.s0.device;

import escudo.core.Bytes;
import escudo.http.PartyClient;
import escudo.s0.api.RegistrationInfo;
import escudo.s0.api.TradeApi;
import escudo.s0.protocol.RegistrationReceipt;
import escudo.s0.protocol.TradeEnvelope;

/** The device's way to the issuer's trade centre over HTTP (seed 000: the data transmission network). */
public final class HttpIssuerLink implements IssuerLink {

    private final PartyClient bank;

    public HttpIssuerLink(PartyClient bank) {
        this.bank = bank;
    }

    @Override
    public RegistrationInfo registrationInfo() {
        return bank.get("/issuer/devices/registration", RegistrationInfo.class);
    }

    @Override
    public RegistrationReceipt register(byte[] sealedRegistration) {
        return bank.post("/issuer/devices", new TradeApi.Registration(Bytes.of(sealedRegistration)), RegistrationReceipt.class);
    }

    @Override
    public TradeEnvelope exchange(TradeEnvelope request) {
        return bank.post("/issuer/devices/" + request.deviceId() + "/messages", request, TradeEnvelope.class);
    }
}
