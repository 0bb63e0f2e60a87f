// Creates the test broker's SCRAM users and ACLs through the Admin API: run by start-kafka as a
// single-file Java program, so no Kafka CLI jar is needed:
//   java -cp 'libs/*' GrantAcls.java <bootstrap> <acl-file> [<user>=<password-file>...]
// Each user gets a SCRAM-SHA-512 credential with the password in its file.
//
// Each line of <acl-file>: principal resource-type pattern-type resource-name operation[,operation...]
//   User:vigil-console TOPIC PREFIXED healthcare. READ,DESCRIBE
// '#' starts a comment. Every ACL allows, from any host.
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

public class GrantAcls {
    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: GrantAcls <bootstrap> <acl-file> [<user>=<password-file>...]");
            System.exit(2);
        }
        List<AclBinding> bindings = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[1]))) {
            line = line.replaceAll("#.*", "").trim();
            if (line.isEmpty())
                continue;
            String[] f = line.split("\\s+");
            if (f.length != 5)
                throw new IllegalArgumentException("not 5 fields: " + line);
            ResourcePattern resource =
                new ResourcePattern(ResourceType.fromString(f[1]), f[3], PatternType.fromString(f[2]));
            for (String operation : f[4].split(","))
                bindings.add(new AclBinding(resource, new AccessControlEntry(f[0], "*", AclOperation.fromString(operation),
                                                                              AclPermissionType.ALLOW)));
        }
        Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        List<UserScramCredentialAlteration> users = new ArrayList<>();
        for (int i = 2; i < args.length; ++i) {
            String[] user = args[i].split("=", 2);
            String password = Files.readString(Path.of(user[1])).trim();
            users.add(new UserScramCredentialUpsertion(user[0], new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192),
                                                       password));
        }
        try (Admin admin = Admin.create(config)) {
            if (!users.isEmpty())
                admin.alterUserScramCredentials(users).all().get(60, TimeUnit.SECONDS);
            admin.createAcls(bindings).all().get(60, TimeUnit.SECONDS);
        }
        System.out.println("SCRAM users: " + users.size() + ", ACLs granted: " + bindings.size());
    }
}
