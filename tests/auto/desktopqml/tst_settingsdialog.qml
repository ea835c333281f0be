import QtQuick
import QtTest
import EcrDesktop

// The sign-in and settings form against the real SettingsController (a throwaway settings
// file, no session): bad input gives one line and changes nothing, good input is saved,
// malformed keys never reach the keychain.
Item {
    id: root
    width: 1366
    height: 768

    Component {
        id: dialogComponent
        SettingsDialog {
            settings: settingsBackend
            themeController: themeBackend
        }
    }

    TestCase {
        name: "SettingsDialog"
        when: windowShown
        property var dialog

        function initTestCase() { Theme.controller = themeBackend }
        function init() {
            dialog = createTemporaryObject(dialogComponent, root)
            dialog.open()
            tryVerify(() => dialog.opened)
        }

        function test_badRegistryIdIsRefused() {
            const before = settingsBackend.registryId
            findChild(dialog, "registryIdField").text = "12345"
            mouseClick(findChild(dialog, "settingsTab"))
            mouseClick(findChild(dialog, "applySettingsButton"))
            const message = findChild(dialog, "settingsMessage")
            verify(message.visible)
            verify(message.text.indexOf("12-digit") >= 0, message.text)
            compare(settingsBackend.registryId, before)
        }

        function test_goodSettingsAreSaved() {
            mouseClick(findChild(dialog, "settingsTab"))
            findChild(dialog, "regionField").text = "us-east-2"
            findChild(dialog, "registryIdField").text = "210987654321"
            findChild(dialog, "intervalBox").value = 900
            findChild(dialog, "listenField").text = "127.0.0.1:9105"
            mouseClick(findChild(dialog, "applySettingsButton"))
            compare(findChild(dialog, "settingsMessage").text, "Saved.")
            compare(settingsBackend.region, "us-east-2")
            compare(settingsBackend.registryId, "210987654321")
            compare(settingsBackend.refreshIntervalSeconds, 900)
            compare(settingsBackend.listenAddress, "127.0.0.1:9105")
        }

        function test_badListenAddress() {
            mouseClick(findChild(dialog, "settingsTab"))
            findChild(dialog, "listenField").text = "localhost"
            mouseClick(findChild(dialog, "applySettingsButton"))
            verify(findChild(dialog, "settingsMessage").text.indexOf("no port") >= 0)
        }

        function test_malformedKeysAreRejectedBeforeTheKeychain() {
            findChild(dialog, "signInKeys").checked = true
            findChild(dialog, "accessKeyField").text = "not a key"
            findChild(dialog, "secretKeyField").text = "short"
            mouseClick(findChild(dialog, "storeKeysButton"))
            const message = findChild(dialog, "keychainMessage")
            tryVerify(() => message.text.indexOf("access key id") >= 0)
            verify(!settingsBackend.keychainBusy)
            compare(findChild(dialog, "secretKeyField").text, "", "the secret does not linger in the form")
            compare(settingsBackend.signInMode === "keys", false)
        }
    }
}
