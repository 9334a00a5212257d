package io.skyrelay.connectors;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedactorTest {

  @Test
  void credentialShapedValuesAreMasked() {
    String text =
        "GET https://acct.blob.core.windows.net/c/k?sv=2021&sig=AbC%2Bdef123&se=2030 "
            + "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=c2VjcmV0S2V5PT0=;"
            + " Authorization: AWS4-HMAC-SHA256 Credential=AKIA/2024, Signature=deadbeef"
            + " X-Amz-Signature=0123abcd";
    String r = Redactor.redact(text);
    for (String secret :
        new String[] {
          "AbC%2Bdef123", "c2VjcmV0S2V5PT0=", "AWS4-HMAC-SHA256", "deadbeef", "0123abcd"
        }) {
      assertFalse(r.contains(secret), secret + " leaked in: " + r);
    }
    assertTrue(r.contains("AccountName=a"), "non-secret parts stay readable: " + r);
  }

  @Test
  void secretsGivenInSettingsNeverReachExceptionsOrToString() {
    String secret = "very-secret-value-" + System.nanoTime();
    StoreSettings settings = StoreSettings.of(Map.of("secret-access-key", secret, "region", "r1"));
    assertFalse(settings.toString().contains(secret));
    assertTrue(settings.toString().contains("region=r1"));

    RuntimeException clientError =
        new RuntimeException("request signed with " + secret + " failed");
    StoreException e = new AccessDeniedException("access denied using " + secret, clientError);
    StringWriter trace = new StringWriter();
    e.printStackTrace(new PrintWriter(trace));
    assertFalse(trace.toString().contains(secret), trace.toString());
    assertTrue(trace.toString().contains("java.lang.RuntimeException"), "cause class is kept");
  }
}
