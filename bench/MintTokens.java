import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * Prints one RS256 token a line for users bench-user-1..N, signed with a PKCS#8 PEM key, optionally
 * with roles (the {@code groups} claim), such as {@code sync-admin} for the Sync API.
 * Usage: java bench/MintTokens.java dev/jwt/private.pem 16 [role,role...]
 */
public class MintTokens {
    public static void main(String[] args) throws Exception {
        String pem = Files.readString(Path.of(args[0])).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        long now = System.currentTimeMillis() / 1000;
        String groups = args.length < 3 ? ""
                : ",\"groups\":[\"" + String.join("\",\"", args[2].split(",")) + "\"]";
        String header = base64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        for (int user = 1; user <= Integer.parseInt(args[1]); user++) {
            String claims = "{\"sub\":\"bench-user-" + user + "\",\"iat\":" + now + ",\"exp\":" + (now + 4 * 3600)
                    + groups + "}";
            String unsigned = header + "." + base64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(key);
            signature.update(unsigned.getBytes(StandardCharsets.US_ASCII));
            System.out.println(unsigned + "." + base64.encodeToString(signature.sign()));
        }
    }
}
