import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// The registry at a glance: id and region, counts, total size, finding totals as a
// coloured bar, when it was last refreshed (with progress while a refresh runs), and
// what went wrong in plain words.
Rectangle {
    id: header
    property QtObject app
    property QtObject themeController
    signal settingsRequested()

    color: Theme.surface
    implicitHeight: content.implicitHeight + 2 * Theme.spacing
    border.color: Theme.border

    function number(n) { return Number(n || 0).toLocaleString(Qt.locale("en_US"), "f", 0) }

    ColumnLayout {
        id: content
        anchors.fill: parent
        anchors.margins: Theme.spacing
        spacing: 6

        RowLayout {
            Layout.fillWidth: true
            spacing: 12
            Label {
                objectName: "registryTitle"
                text: header.app && header.app.registryId !== ""
                      ? "Registry " + header.app.registryId : "Registry"
                font.pixelSize: 18
                font.bold: true
                color: Theme.text
            }
            Label {
                objectName: "registryRegion"
                text: header.app ? header.app.region : ""
                visible: text !== ""
                color: Theme.text
                font.pixelSize: 15
            }
            Label {
                objectName: "signInText"
                text: header.app ? header.app.signInText : ""
                color: Theme.secondaryText
                font.pixelSize: Theme.smallFontSize
                Layout.fillWidth: true
                elide: Text.ElideRight
            }
            ComboBox {
                id: themeBox
                objectName: "themeSwitch"
                model: ["System theme", "Light", "Dark"]
                readonly property var modes: ["system", "light", "dark"]
                currentIndex: header.themeController ? Math.max(0, modes.indexOf(header.themeController.mode)) : 0
                onActivated: index => { if (header.themeController) header.themeController.mode = modes[index] }
                implicitWidth: 140
            }
            Button {
                objectName: "refreshButton"
                text: "Refresh"
                enabled: header.app && !header.app.refreshing
                onClicked: header.app.refreshNow()
                ToolTip.visible: hovered
                ToolTip.text: "Refresh now (F5)"
            }
            Button {
                objectName: "settingsButton"
                text: "Sign in / Settings"
                onClicked: header.settingsRequested()
            }
        }

        RowLayout {
            Layout.fillWidth: true
            spacing: 20
            Label {
                objectName: "repositoryCountText"
                text: header.number(header.app ? header.app.repositoryCount : 0) + " repositories"
                color: Theme.text
                font.pixelSize: Theme.fontSize
            }
            Label {
                objectName: "imageCountText"
                text: header.number(header.app ? header.app.imageCount : 0) + " images"
                color: Theme.text
                font.pixelSize: Theme.fontSize
            }
            Label {
                objectName: "totalSizeText"
                text: (header.app ? header.app.totalSizeText : "0 B") + " in total"
                color: Theme.text
                font.pixelSize: Theme.fontSize
            }
            Label {
                objectName: "lastRefreshText"
                text: header.app && header.app.lastRefreshText !== ""
                      ? "Last refresh " + header.app.lastRefreshText
                      : (header.app && header.app.refreshing ? "First refresh…" : "Not refreshed yet")
                color: Theme.secondaryText
                font.pixelSize: Theme.fontSize
            }
            ProgressBar {
                objectName: "refreshProgress"
                visible: header.app ? header.app.refreshing : false
                from: 0
                to: header.app && header.app.progressTotal > 0 ? header.app.progressTotal : 1
                value: header.app ? header.app.progressDone : 0
                indeterminate: !header.app || header.app.progressTotal === 0
                Layout.preferredWidth: 160
            }
            Label {
                objectName: "refreshProgressText"
                visible: header.app ? header.app.refreshing && header.app.progressTotal > 0 : false
                text: header.app ? header.app.progressDone + " / " + header.app.progressTotal + " repositories" : ""
                color: Theme.secondaryText
                font.pixelSize: Theme.smallFontSize
            }
            Item { Layout.fillWidth: true }
            Label {
                objectName: "metricsStatus"
                text: header.app ? header.app.metricsStatus : ""
                color: Theme.secondaryText
                font.pixelSize: Theme.smallFontSize
                elide: Text.ElideLeft
                Layout.maximumWidth: 420
            }
        }

        SeverityBar {
            objectName: "severityBar"
            Layout.fillWidth: true
            totals: header.app ? header.app.severityTotals : ({})
        }

        Rectangle {
            objectName: "errorBanner"
            Layout.fillWidth: true
            visible: header.app && (header.app.errorText !== "" || header.app.warningText !== "")
            color: header.app && header.app.errorText !== "" ? Theme.errorBackground : Theme.warningBackground
            radius: 4
            implicitHeight: bannerText.implicitHeight + 10
            Label {
                id: bannerText
                objectName: "errorText"
                anchors.fill: parent
                anchors.margins: 5
                wrapMode: Text.Wrap
                color: header.app && header.app.errorText !== "" ? Theme.errorText : Theme.warningText
                text: header.app ? [header.app.errorText, header.app.warningText].filter(s => s !== "").join(" ") : ""
            }
        }
    }
}
