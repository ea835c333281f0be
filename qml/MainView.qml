import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// Everything inside the main window: header, repositories above, images of the open
// repository below, the settings dialog, and the keyboard shortcuts:
//   Ctrl+F search repositories · Up/Down move · Enter open a repository (images get the
//   keys) · Escape/Left back to repositories · Ctrl+C copy the image URI · F5/Ctrl+R refresh.
FocusScope {
    id: view
    property QtObject app
    property QtObject settings
    property QtObject themeController

    readonly property alias header: registryHeader
    readonly property alias repositoryPane: repositories
    readonly property alias imagePane: images
    readonly property alias settingsDialog: dialog
    property string lastCopied: ""

    function openRepository(name) {
        view.app.selectedRepository = name
        images.list.forceActiveFocus()
        images.list.currentIndex = images.list.count > 0 ? 0 : -1
    }
    function copy(text) {
        view.app.copyText(text)
        view.lastCopied = text
        toast.show("Copied " + text)
    }

    // One sequence per key: listing Ctrl+F twice (StandardKey.Find is Ctrl+F too) would
    // make the shortcut ambiguous, and ambiguous shortcuts never fire.
    Shortcut {
        objectName: "findShortcut"
        sequence: "Ctrl+F"
        onActivated: repositories.focusSearch()
    }
    Shortcut {
        objectName: "refreshShortcut"
        sequences: ["F5", "Ctrl+R"]
        onActivated: if (view.app) view.app.refreshNow()
    }

    Rectangle {
        anchors.fill: parent
        color: Theme.window
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        RegistryHeader {
            id: registryHeader
            objectName: "registryHeader"
            Layout.fillWidth: true
            app: view.app
            themeController: view.themeController
            onSettingsRequested: dialog.open()
        }

        SplitView {
            objectName: "splitView"
            orientation: Qt.Vertical
            Layout.fillWidth: true
            Layout.fillHeight: true

            RepositoryPane {
                id: repositories
                objectName: "repositoryPane"
                SplitView.preferredHeight: 300
                SplitView.minimumHeight: 150
                focus: true
                model: view.app ? view.app.repositories : null
                openRepository: view.app ? view.app.selectedRepository : ""
                onOpened: name => view.openRepository(name)
            }
            ImagePane {
                id: images
                objectName: "imagePane"
                SplitView.fillHeight: true
                SplitView.minimumHeight: 150
                model: view.app ? view.app.images : null
                repositoryName: view.app ? view.app.selectedRepository : ""
                repositoryUri: view.app ? view.app.selectedRepositoryUri : ""
                onCopyRequested: text => view.copy(text)
                onBackRequested: repositories.list.forceActiveFocus()
            }
        }
    }

    SettingsDialog {
        id: dialog
        objectName: "settingsDialog"
        settings: view.settings
        themeController: view.themeController
        anchors.centerIn: parent
    }

    Rectangle {
        id: toast
        objectName: "copyToast"
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.bottom: parent.bottom
        anchors.bottomMargin: 24
        width: Math.min(toastText.implicitWidth + 24, parent.width - 40)
        height: toastText.implicitHeight + 12
        radius: 6
        color: Theme.dark ? "#e6e7e9" : "#1f2328"
        opacity: 0
        visible: opacity > 0
        function show(message) {
            toastText.text = message
            opacity = 0.92
            toastTimer.restart()
        }
        Text {
            id: toastText
            anchors.centerIn: parent
            width: parent.width - 24
            elide: Text.ElideMiddle
            horizontalAlignment: Text.AlignHCenter
            color: Theme.dark ? "#1f2328" : "#ffffff"
            font.pixelSize: Theme.smallFontSize + 1
        }
        Timer {
            id: toastTimer
            interval: 2000
            onTriggered: toast.opacity = 0
        }
        Behavior on opacity { NumberAnimation { duration: 150 } }
    }
}
