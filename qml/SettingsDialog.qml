import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// Sign in (default chain, a profile of the AWS shared files, or access keys kept in the
// OS keychain) and settings (region, registry id, refresh interval, /metrics address,
// start at login, theme). `settings` is the C++ SettingsController.
Dialog {
    id: dialog
    property QtObject settings
    property QtObject themeController
    property string message: ""

    title: "Sign in & settings"
    modal: true
    width: 640
    height: Math.min(620, parent ? parent.height - 40 : 620)
    standardButtons: Dialog.Close
    padding: 12

    onOpened: {
        message = ""
        if (settings) {
            settings.reloadProfiles()
            modeGroup.load()
            regionField.text = settings.region
            registryField.text = settings.registryId
            intervalBox.value = settings.refreshIntervalSeconds
            metricsSwitch.checked = settings.metricsEnabled
            listenField.text = settings.listenAddress
            autostartSwitch.checked = settings.autostart
        }
    }

    function applyValues(values) {
        const error = dialog.settings.apply(values)
        dialog.message = error === "" ? "Saved." : error.charAt(0).toUpperCase() + error.slice(1) + "."
        return error === ""
    }

    contentItem: ColumnLayout {
        spacing: 8
        TabBar {
            id: tabs
            Layout.fillWidth: true
            TabButton { text: "Sign in"; objectName: "signInTab" }
            TabButton { text: "Settings"; objectName: "settingsTab" }
        }

        StackLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            currentIndex: tabs.currentIndex

            // --- Sign in -------------------------------------------------------------
            ScrollView {
                clip: true
                ColumnLayout {
                    id: modeGroup
                    width: dialog.availableWidth - 20
                    spacing: 6
                    function load() {
                        const mode = dialog.settings.signInMode
                        defaultRadio.checked = mode === "default"
                        profileRadio.checked = mode === "profile"
                        keysRadio.checked = mode === "keys"
                        const names = dialog.settings.profiles.map(p => p.name)
                        profileBox.currentIndex = Math.max(0, names.indexOf(dialog.settings.profile))
                    }

                    Label {
                        visible: dialog.settings && dialog.settings.demo
                        Layout.fillWidth: true
                        wrapMode: Text.Wrap
                        text: "Demo mode: the window shows a simulated registry. Sign-in choices are saved for the next start without --demo."
                        color: Theme.warningText
                    }
                    RadioButton {
                        id: defaultRadio
                        objectName: "signInDefault"
                        text: "Default AWS credentials (environment variables, AWS_PROFILE or [default])"
                    }
                    RadioButton {
                        id: profileRadio
                        objectName: "signInProfile"
                        text: "A profile from ~/.aws/config or ~/.aws/credentials (SSO profiles included)"
                    }
                    RowLayout {
                        Layout.leftMargin: 28
                        enabled: profileRadio.checked
                        ComboBox {
                            id: profileBox
                            objectName: "profileBox"
                            Layout.preferredWidth: 360
                            model: dialog.settings ? dialog.settings.profiles : []
                            textRole: "label"
                            valueRole: "name"
                        }
                        Button {
                            text: "Reload"
                            onClicked: dialog.settings.reloadProfiles()
                        }
                    }
                    Label {
                        Layout.leftMargin: 28
                        Layout.fillWidth: true
                        visible: text !== ""
                        wrapMode: Text.Wrap
                        text: dialog.settings ? dialog.settings.profilesMessage : ""
                        color: Theme.secondaryText
                    }
                    Button {
                        objectName: "useSignInButton"
                        text: "Sign in"
                        enabled: defaultRadio.checked || (profileRadio.checked && profileBox.currentIndex >= 0)
                        Layout.leftMargin: 28
                        onClicked: dialog.applyValues({
                            signInMode: defaultRadio.checked ? "default" : "profile",
                            profile: profileRadio.checked ? profileBox.currentValue : dialog.settings.profile
                        })
                    }
                    RadioButton {
                        id: keysRadio
                        objectName: "signInKeys"
                        text: "Access keys, kept in the system keychain (never in a settings file)"
                    }
                    GridLayout {
                        Layout.leftMargin: 28
                        columns: 2
                        enabled: keysRadio.checked
                        Label { text: "Access key id" }
                        TextField {
                            id: keyIdField
                            objectName: "accessKeyField"
                            Layout.preferredWidth: 360
                            placeholderText: "AKIA…"
                        }
                        Label { text: "Secret access key" }
                        TextField {
                            id: secretField
                            objectName: "secretKeyField"
                            Layout.preferredWidth: 360
                            echoMode: TextInput.Password
                        }
                        Label { text: "Session token" }
                        TextField {
                            id: tokenField
                            objectName: "sessionTokenField"
                            Layout.preferredWidth: 360
                            echoMode: TextInput.Password
                            placeholderText: "optional"
                        }
                    }
                    RowLayout {
                        Layout.leftMargin: 28
                        enabled: keysRadio.checked && dialog.settings && !dialog.settings.keychainBusy
                        Button {
                            objectName: "storeKeysButton"
                            text: "Store keys and sign in"
                            onClicked: {
                                dialog.settings.storeKeys(keyIdField.text, secretField.text, tokenField.text)
                                secretField.text = ""
                                tokenField.text = ""
                            }
                        }
                        Button {
                            objectName: "forgetKeysButton"
                            text: "Forget stored keys"
                            onClicked: dialog.settings.forgetKeys()
                        }
                    }
                    Label {
                        objectName: "keychainMessage"
                        Layout.leftMargin: 28
                        Layout.fillWidth: true
                        visible: text !== ""
                        wrapMode: Text.Wrap
                        text: dialog.settings ? dialog.settings.keychainMessage : ""
                        color: Theme.text
                    }
                }
            }

            // --- Settings -------------------------------------------------------------
            ScrollView {
                clip: true
                GridLayout {
                    width: dialog.availableWidth - 20
                    columns: 2
                    columnSpacing: 12
                    rowSpacing: 8
                    Label { text: "Region" }
                    TextField {
                        id: regionField
                        objectName: "regionField"
                        Layout.fillWidth: true
                        placeholderText: "from the profile, else eu-west-1"
                    }
                    Label { text: "Registry id" }
                    TextField {
                        id: registryField
                        objectName: "registryIdField"
                        Layout.fillWidth: true
                        placeholderText: "your own registry"
                    }
                    Label { text: "Refresh every" }
                    RowLayout {
                        SpinBox {
                            id: intervalBox
                            objectName: "intervalBox"
                            from: 60
                            to: 86400
                            stepSize: 60
                            editable: true
                        }
                        Label { text: "seconds" }
                    }
                    Label { text: "Serve /metrics" }
                    Switch {
                        id: metricsSwitch
                        objectName: "metricsSwitch"
                        text: checked ? "on" : "off"
                    }
                    Label { text: "Listen address" }
                    TextField {
                        id: listenField
                        objectName: "listenField"
                        Layout.fillWidth: true
                        enabled: metricsSwitch.checked
                        placeholderText: "127.0.0.1:9000 (0.0.0.0 exposes it to the network)"
                    }
                    Label { text: "Start at login" }
                    Switch {
                        id: autostartSwitch
                        objectName: "autostartSwitch"
                        text: checked ? "in the tray" : "no"
                        onToggled: {
                            const error = dialog.settings.setAutostart(checked)
                            if (error !== "") {
                                dialog.message = error
                                checked = !checked
                            }
                        }
                    }
                    Label { text: "Theme" }
                    ComboBox {
                        objectName: "themeBox"
                        readonly property var modes: ["system", "light", "dark"]
                        model: ["Follow the system", "Light", "Dark"]
                        currentIndex: dialog.themeController ? Math.max(0, modes.indexOf(dialog.themeController.mode)) : 0
                        onActivated: index => { if (dialog.themeController) dialog.themeController.mode = modes[index] }
                    }
                    Item { width: 1; height: 1 }
                    Button {
                        objectName: "applySettingsButton"
                        text: "Apply"
                        onClicked: dialog.applyValues({
                            region: regionField.text,
                            registryId: registryField.text,
                            refreshIntervalSeconds: intervalBox.value,
                            metricsEnabled: metricsSwitch.checked,
                            listenAddress: listenField.text
                        })
                    }
                }
            }
        }

        Label {
            objectName: "settingsMessage"
            Layout.fillWidth: true
            visible: text !== ""
            wrapMode: Text.Wrap
            text: dialog.message
            color: dialog.message === "Saved." ? Theme.text : Theme.errorText
        }
    }
}
