#include "traycontroller.h"

#include "desktopsession.h"
#include "logcategories.h"
#include "model/displayformat.h"
#include "severitypalette.h"

#include <QAction>
#include <QMenu>
#include <QSystemTrayIcon>

TrayController::TrayController(DesktopSession *session, QObject *parent)
    : QObject(parent)
    , m_session(session)
{
    m_menu = new QMenu();
    QAction *showAction = m_menu->addAction(QStringLiteral("Show window"));
    showAction->setObjectName(QStringLiteral("trayShowWindow"));
    connect(showAction, &QAction::triggered, this, &TrayController::showWindowRequested);
    m_refresh = m_menu->addAction(QStringLiteral("Refresh now"));
    m_refresh->setObjectName(QStringLiteral("trayRefreshNow"));
    connect(m_refresh, &QAction::triggered, m_session, &DesktopSession::refreshNow);
    m_copyUrl = m_menu->addAction(QStringLiteral("Copy metrics URL"));
    m_copyUrl->setObjectName(QStringLiteral("trayCopyMetricsUrl"));
    connect(m_copyUrl, &QAction::triggered, this, [this] { m_session->copyText(m_session->metricsUrl()); });
    m_menu->addSeparator();
    QAction *quit = m_menu->addAction(QStringLiteral("Quit"));
    quit->setObjectName(QStringLiteral("trayQuit"));
    connect(quit, &QAction::triggered, this, &TrayController::quitRequested);

    m_tray = new QSystemTrayIcon(this);
    m_tray->setContextMenu(m_menu);
    connect(m_tray, &QSystemTrayIcon::activated, this, [this](QSystemTrayIcon::ActivationReason reason) {
        if (reason == QSystemTrayIcon::Trigger || reason == QSystemTrayIcon::DoubleClick)
            emit showWindowRequested();
    });
    connect(m_tray, &QSystemTrayIcon::messageClicked, this, &TrayController::showWindowRequested);

    m_messageTimer.setInterval(6000);
    m_messageTimer.setSingleShot(true);
    connect(&m_messageTimer, &QTimer::timeout, this, &TrayController::showNextMessage);

    for (auto signal : {&DesktopSession::snapshotChanged, &DesktopSession::refreshingChanged,
                        &DesktopSession::errorTextChanged, &DesktopSession::lastRefreshChanged,
                        &DesktopSession::metricsChanged})
        connect(m_session, signal, this, &TrayController::update);
    connect(m_session, &DesktopSession::criticalAlerts, this, &TrayController::enqueue);
    update();
}

TrayController::~TrayController()
{
    delete m_menu; // a QMenu has no QObject parent here (a widget parent would own it)
}

bool TrayController::isSystemTrayAvailable()
{
    return QSystemTrayIcon::isSystemTrayAvailable();
}

void TrayController::show()
{
    m_tray->show();
}

void TrayController::hide()
{
    m_tray->hide();
}

void TrayController::update()
{
    QString state;
    if (!m_session->hasData())
        state = m_session->errorText().isEmpty() ? QStringLiteral("loading") : QStringLiteral("error");
    else if (!m_session->errorText().isEmpty())
        state = QStringLiteral("error"); // the numbers may be old: do not claim a severity
    else
        state = m_session->worstSeverity();
    if (state != m_iconState) {
        m_iconState = state;
        const bool neutral = state == QLatin1String("loading") || state == QLatin1String("error");
        m_tray->setIcon(SeverityPalette::trayIcon(Severity::fromName(state), neutral));
    }
    m_tray->setToolTip(tooltipText(m_session->totals(), m_session->hasData(), m_session->registryId(),
                                   m_session->lastRefreshText(), m_session->isRefreshing(), m_session->errorText()));
    m_copyUrl->setEnabled(!m_session->metricsUrl().isEmpty());
    m_refresh->setEnabled(!m_session->isRefreshing());
}

QString TrayController::tooltipText(const RegistryTotals &totals, bool hasData, const QString &registryId,
                                    const QString &lastRefreshText, bool refreshing, const QString &error)
{
    QStringList lines;
    lines << (registryId.isEmpty() ? QStringLiteral("ECR Desktop") : QStringLiteral("ECR registry %1").arg(registryId));
    if (hasData) {
        lines << QStringLiteral("%1 repositories, %2 images").arg(totals.repositoryCount).arg(totals.imageCount);
        lines << QStringLiteral("CRITICAL %1, HIGH %2")
                     .arg(totals.total(Severity::Critical))
                     .arg(totals.total(Severity::High));
    } else if (error.isEmpty()) {
        lines << QStringLiteral("Loading…");
    }
    if (!lastRefreshText.isEmpty())
        lines << QStringLiteral("Last refresh %1").arg(lastRefreshText);
    if (refreshing)
        lines << QStringLiteral("Refreshing…");
    if (!error.isEmpty())
        lines << error;
    return lines.join(QLatin1Char('\n'));
}

QString TrayController::alertTitle(const CriticalAlertTracker::Alert &alert)
{
    return QStringLiteral("CRITICAL findings in %1").arg(alert.repositoryName);
}

QString TrayController::alertBody(const CriticalAlertTracker::Alert &alert)
{
    const QString what = alert.tags.isEmpty() ? DisplayFormat::shortDigest(alert.digest)
                                              : alert.tags.join(QStringLiteral(", "));
    QString body = QStringLiteral("%1 (%2): %3 CRITICAL").arg(what, DisplayFormat::shortDigest(alert.digest)).arg(alert.critical);
    if (alert.tags.isEmpty())
        body = QStringLiteral("%1: %2 CRITICAL").arg(what).arg(alert.critical);
    if (alert.high > 0)
        body += QStringLiteral(", %1 HIGH").arg(alert.high);
    return body;
}

QString TrayController::summaryBody(int images)
{
    return QStringLiteral("%1 more images now have CRITICAL findings. Open the window and filter by CRITICAL.").arg(images);
}

void TrayController::enqueue(const QVector<CriticalAlertTracker::Alert> &alerts)
{
    int queued = 0;
    for (const CriticalAlertTracker::Alert &alert : alerts) {
        if (queued == kMaxQueuedMessages) {
            m_messages.enqueue({QStringLiteral("CRITICAL findings"), summaryBody(int(alerts.size()) - queued)});
            break;
        }
        m_messages.enqueue({alertTitle(alert), alertBody(alert)});
        ++queued;
    }
    if (!m_messageTimer.isActive())
        showNextMessage();
}

void TrayController::showNextMessage()
{
    if (m_messages.isEmpty())
        return;
    const auto message = m_messages.dequeue();
    qCInfo(lcExporter).noquote() << "tray:" << message.first << "-" << message.second;
    m_tray->showMessage(message.first, message.second, QSystemTrayIcon::Critical, 10000);
    emit messageShown(message.first, message.second);
    // Also after the last one: the next refresh's first message keeps the spacing too.
    m_messageTimer.start();
}
