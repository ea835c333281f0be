// credfakes_serve: hosts the credential fakes (STS, IMDS, container endpoint, SSO portal)
// with fixed data for out-of-process clients (the botocore cross-check). Prints one line
// "PORTS <sts> <imds> <container> <sso>" once listening and serves until stdin closes.
// The fixed data below is repeated in test_credfakes_botocore.py.

#include "fakecontainercredentialsserver.h"
#include "fakeimdsserver.h"
#include "fakessoportal.h"
#include "fakestsserver.h"

#include <QCoreApplication>
#include <QSocketNotifier>

#include <cstdio>
#include <unistd.h>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QDateTime expiry(QDate(2099, 1, 2), QTime(3, 4, 5), Qt::UTC);

    FakeStsServer sts;
    sts.setRegion(QStringLiteral("eu-west-1"));
    sts.addCaller(QStringLiteral("AKIDBOTOCORECALLER01"), QStringLiteral("caller/secret+key"), QString(),
                  QStringLiteral("arn:aws:iam::111122223333:user/botocore"));
    sts.addRole(QStringLiteral("arn:aws:iam::111122223333:role/reader"),
                {{QStringLiteral("ASIABOTOCOREROLE0001"), QStringLiteral("role/secret"), QStringLiteral("role-token"), 1800}});
    sts.acceptWebIdentityToken("eyJ.botocore.token");

    FakeImdsServer imds;
    imds.setRequireToken(true);
    imds.setRole(QStringLiteral("instance-role"), QStringLiteral("ASIABOTOCOREIMDS0001"), QStringLiteral("imds/secret"),
                 QStringLiteral("imds-token"), expiry);
    imds.setRegion(QStringLiteral("ap-southeast-2"));

    FakeContainerCredentialsServer container;
    container.setRequiredAuthorization("Bearer botocore-pod");
    container.setCredentials(QStringLiteral("ASIABOTOCORECONT0001"), QStringLiteral("cont/secret"), QStringLiteral("cont-token"), expiry);

    FakeSsoPortal sso;
    sso.addAccess("sso-access-token", QStringLiteral("111122223333"), QStringLiteral("ReadOnly"),
                  QStringLiteral("ASIABOTOCORESSO00001"), QStringLiteral("sso/secret"), QStringLiteral("sso-token"), 3600);

    if (!sts.listen() || !imds.listen() || !container.listen() || !sso.listen()) {
        std::fprintf(stderr, "credfakes_serve: cannot listen on 127.0.0.1\n");
        return 1;
    }
    std::printf("PORTS %u %u %u %u\n", unsigned(sts.port()), unsigned(imds.port()), unsigned(container.port()),
                unsigned(sso.port()));
    std::fflush(stdout);

    QSocketNotifier stdinClosed(STDIN_FILENO, QSocketNotifier::Read);
    QObject::connect(&stdinClosed, &QSocketNotifier::activated, &app, [&] {
        char buffer[64];
        if (::read(STDIN_FILENO, buffer, sizeof buffer) <= 0)
            app.quit();
    });
    return app.exec();
}
