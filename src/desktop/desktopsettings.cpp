#include "desktopsettings.h"

#include "aws/regionresolver.h"

#include <QRegularExpression>
#include <QSettings>

namespace {
const char *const kSignIn = "signIn/mode";
const char *const kProfile = "signIn/profile";
const char *const kRegion = "aws/region";
const char *const kRegistryId = "aws/registryId";
const char *const kInterval = "refresh/intervalSeconds";
const char *const kListen = "metrics/listenAddress";
const char *const kMetricsEnabled = "metrics/enabled";
const char *const kTheme = "ui/theme";
} // namespace

DesktopSettings DesktopSettings::load(const QSettings &settings)
{
    DesktopSettings s;
    bool ok = false;
    const SignIn signIn = signInFromName(settings.value(QLatin1String(kSignIn)).toString(), &ok);
    if (ok)
        s.signIn = signIn;
    s.profile = settings.value(QLatin1String(kProfile)).toString();
    const QString region = settings.value(QLatin1String(kRegion)).toString().trimmed();
    if (region.isEmpty() || RegionResolver::isValidRegionName(region))
        s.region = region;
    const QString registryId = settings.value(QLatin1String(kRegistryId)).toString().trimmed();
    if (checkRegistryId(registryId).isEmpty())
        s.registryId = registryId;
    const int interval = settings.value(QLatin1String(kInterval), s.refreshIntervalSeconds).toInt(&ok);
    if (ok && checkInterval(interval).isEmpty())
        s.refreshIntervalSeconds = interval;
    const QString listen = settings.value(QLatin1String(kListen), s.listenAddress).toString();
    QHostAddress address;
    quint16 port = 0;
    if (parseListenAddress(listen, &address, &port).isEmpty())
        s.listenAddress = listen;
    s.metricsEnabled = settings.value(QLatin1String(kMetricsEnabled), true).toBool();
    const QString theme = settings.value(QLatin1String(kTheme), s.theme).toString();
    if (checkTheme(theme).isEmpty())
        s.theme = theme;
    return s;
}

void DesktopSettings::save(QSettings &settings) const
{
    settings.setValue(QLatin1String(kSignIn), signInName(signIn));
    settings.setValue(QLatin1String(kProfile), profile);
    settings.setValue(QLatin1String(kRegion), region);
    settings.setValue(QLatin1String(kRegistryId), registryId);
    settings.setValue(QLatin1String(kInterval), refreshIntervalSeconds);
    settings.setValue(QLatin1String(kListen), listenAddress);
    settings.setValue(QLatin1String(kMetricsEnabled), metricsEnabled);
    settings.setValue(QLatin1String(kTheme), theme);
}

QString DesktopSettings::signInName(SignIn signIn)
{
    switch (signIn) {
    case SignIn::Default: return QStringLiteral("default");
    case SignIn::Profile: return QStringLiteral("profile");
    case SignIn::Keys: return QStringLiteral("keys");
    }
    return QStringLiteral("default");
}

DesktopSettings::SignIn DesktopSettings::signInFromName(const QString &name, bool *ok)
{
    if (ok)
        *ok = true;
    if (name == QLatin1String("profile"))
        return SignIn::Profile;
    if (name == QLatin1String("keys"))
        return SignIn::Keys;
    if (name != QLatin1String("default") && ok)
        *ok = false;
    return SignIn::Default;
}

QString DesktopSettings::parseListenAddress(const QString &text, QHostAddress *address, quint16 *port)
{
    const QString t = text.trimmed();
    const int colon = t.lastIndexOf(QLatin1Char(':'));
    const QString hint = QStringLiteral("; write HOST:PORT, e.g. 127.0.0.1:9000");
    if (colon < 0)
        return QStringLiteral("listen address '%1' has no port%2").arg(text, hint);
    QString host = t.left(colon);
    const QString portText = t.mid(colon + 1);
    bool ok = false;
    const uint p = portText.toUInt(&ok);
    if (!ok || p > 65535 || portText.isEmpty())
        return QStringLiteral("listen address '%1': port '%2' is not a number from 0 to 65535%3").arg(text, portText, hint);
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        host = host.mid(1, host.size() - 2);
    QHostAddress a;
    if (host.isEmpty())
        a = QHostAddress(QHostAddress::Any);
    else if (host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0)
        a = QHostAddress(QHostAddress::LocalHost);
    else if (!a.setAddress(host))
        return QStringLiteral("listen address '%1': '%2' is not an IP address%3").arg(text, host, hint);
    if (address)
        *address = a;
    if (port)
        *port = quint16(p);
    return QString();
}

QString DesktopSettings::checkRegistryId(const QString &registryId)
{
    static const QRegularExpression twelveDigits(QStringLiteral("^[0-9]{12}$"));
    if (registryId.isEmpty() || twelveDigits.match(registryId).hasMatch())
        return QString();
    return QStringLiteral("registry id '%1' is not a 12-digit AWS account id; leave it empty for your own registry")
        .arg(registryId);
}

QString DesktopSettings::checkInterval(int seconds)
{
    if (seconds >= kMinIntervalSeconds && seconds <= kMaxIntervalSeconds)
        return QString();
    return QStringLiteral("refresh interval %1 s is out of range; use %2 to %3 seconds")
        .arg(seconds)
        .arg(kMinIntervalSeconds)
        .arg(kMaxIntervalSeconds);
}

QString DesktopSettings::checkTheme(const QString &theme)
{
    if (theme == QLatin1String("system") || theme == QLatin1String("light") || theme == QLatin1String("dark"))
        return QString();
    return QStringLiteral("theme '%1' is not one of system, light, dark").arg(theme);
}
