package escudo.s1.phone;

import escudo.core.Bytes;
import escudo.http.PartyClient;
import escudo.s1.api.ApprovalApi;
import escudo.s1.protocol.ApprovalRequest;
import escudo.s1.protocol.PhoneProof;
import java.net.URI;
import java.util.List;

/** How the phone reaches a service that asks it for approvals (seed 001, S220-S250): the bank's online banking. */
public final class ServiceLink implements AutoCloseable {

    private final PartyClient service;

    public ServiceLink(URI service) {
        this.service = new PartyClient(service);
    }

    /** What waits for this phone; each is decoded here, so the phone shows what it will sign. */
    public List<ApprovalRequest> pending(PhoneProof proof) {
        return service.post("/issuer/s1/phone/pending", proof, ApprovalApi.Pending.class).approvals().stream()
                .map(bytes -> ApprovalRequest.decode(bytes.toByteArray())).toList();
    }

    public ApprovalApi.Status approve(String approvalId, byte[] signed) {
        return service.post("/issuer/s1/approvals/" + approvalId + "/signature", new ApprovalApi.Signature(Bytes.of(signed)),
                ApprovalApi.Status.class);
    }

    public ApprovalApi.Status decline(String approvalId, PhoneProof proof) {
        return service.post("/issuer/s1/approvals/" + approvalId + "/decline", proof, ApprovalApi.Status.class);
    }

    @Override
    public void close() {
        service.close();
    }
}
