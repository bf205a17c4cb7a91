package io.vitalwire.ingest.security.dev;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.vitalwire.privacy.SecretFile;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar cloud-ingest.jar token --role operator --subject alice}: a bearer token for the admin API signed
 * with the dev stack's key ({@code deploy/dev/stack.sh} makes it and the JWKS cloud-ingest trusts), so that the
 * demo and a developer's curl work on a machine without an identity provider. Prints the token alone on standard
 * output. Production tokens come from the real issuer; this key is for the dev stack only.
 */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = "Prints an admin API token signed with the dev key (dev stack only).")
public final class TokenCommand implements Callable<Integer> {

    @Option(names = "--role", required = true, description = "a role (repeatable): auditor, operator, "
            + "clinical-admin, metrics")
    List<String> roles;

    @Option(names = "--subject", defaultValue = "${env:USER:-developer}", description = "who (sub); default $USER")
    String subject;

    @Option(names = "--key", defaultValue = "${env:VW_ADMIN_DEV_KEY}",
            description = "the dev signing key, PKCS#8 PEM RSA; default $VW_ADMIN_DEV_KEY (stack.sh env)")
    Path key;

    @Option(names = "--kid", defaultValue = "${env:VW_ADMIN_DEV_KID:-vitalwire-dev}", description = "its key id")
    String keyId;

    @Option(names = "--issuer", defaultValue = "${env:VW_ADMIN_ISSUER:-https://vitalwire.invalid/dev-issuer}",
            description = "iss; default $VW_ADMIN_ISSUER")
    String issuer;

    @Option(names = "--audience", defaultValue = "${env:VW_ADMIN_AUDIENCE:-vitalwire-admin}",
            description = "aud; default $VW_ADMIN_AUDIENCE or vitalwire-admin")
    String audience;

    @Option(names = "--ttl-minutes", defaultValue = "60", description = "lifetime; default 60")
    long ttlMinutes;

    private PrintStream out = System.out;

    /** Runs the command line; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        TokenCommand command = new TokenCommand();
        command.out = out;
        CommandLine cli = new CommandLine(command);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Override
    public Integer call() throws Exception {
        if (key == null) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "--key or VW_ADMIN_DEV_KEY: run `eval \"$(deploy/dev/stack.sh env)\"` first");
        }
        Instant now = Clock.systemUTC().instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuer).audience(audience).subject(subject)
                .claim("roles", roles).issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(ttlMinutes * 60))).jwtID(UUID.randomUUID().toString())
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(keyId)
                .type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(new RSASSASigner(privateKey(key)));
        out.println(jwt.serialize());
        return 0;
    }

    private static PrivateKey privateKey(Path pem) throws Exception {
        String base64 = SecretFile.readText("the admin dev signing key", pem).replaceAll("-----[A-Z ]+-----", "")
                .replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder()
                .decode(base64)));
    }
}
