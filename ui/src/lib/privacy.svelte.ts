// People's protection, item privacy, redaction boxes and the reading room: the commands of
// src-tauri/src/privacy.rs. The reading room's state lives in the shell (a window cannot lift
// it without the PIN); `readingRoom` mirrors it and keeps `library.readingRoom` in step.
import { invoke } from "@tauri-apps/api/core";
import { library } from "./library.svelte";
import { archive } from "./archive.svelte";
import type {
  BrowseEntry,
  ConsentRecord,
  Item,
  ItemPrivacy,
  PersonPrivacy,
  PersonProtection,
  ReadingRoomStatus,
  Redaction,
} from "../bindings";
import { t, type Key } from "./i18n.svelte";

export const privacyIpc = {
  personPrivacy: (name: string) => invoke<PersonPrivacy>("person_privacy", { name }),
  setPersonProtection: (name: string, protection: PersonProtection) =>
    invoke<PersonPrivacy>("set_person_protection", { name, protection }),
  recordConsent: (name: string, record: ConsentRecord) => invoke<PersonPrivacy>("record_consent", { name, record }),
  itemPrivacy: (id: string) => invoke<ItemPrivacy>("item_privacy", { id }),
  setRedactions: (id: string, redactions: Redaction[]) => invoke<Item>("set_redactions", { id, redactions }),
  photoPreview: (id: string) => invoke<ArrayBuffer>("photo_preview", { id }),
  photoExportPreview: (id: string) => invoke<ArrayBuffer>("photo_export_preview", { id }),
  readingRoomStatus: () => invoke<ReadingRoomStatus>("reading_room_status"),
  /** While the room is on, nothing changes without the `current` PIN. */
  enterReadingRoom: (pin: string | null, current: string | null = null) =>
    invoke<ReadingRoomStatus>("enter_reading_room", { pin, current }),
  leaveReadingRoom: (pin: string) => invoke<ReadingRoomStatus>("leave_reading_room", { pin }),
  browsePublic: (what: string) => invoke<BrowseEntry[]>("browse_public", { what }),
};

/** Bumped whenever a person's protection or an item's privacy changed, so views reload. */
class PrivacyEvents {
  version = $state(0);
  changed(): void {
    this.version += 1;
    library.refresh();
    archive.load();
  }
}
export const privacyEvents = new PrivacyEvents();

class ReadingRoomState {
  hasPin = $state(false);
  /** Whether the archive's passphrase also leaves the room (an encrypted archive). */
  passphrase = $state(false);
  /** Seconds before the next PIN is heard, after too many wrong ones (as of the last answer). */
  waitSeconds = $state(0);
  /** "enter" or "leave" while the dialog asks for a PIN. */
  asking = $state<"enter" | "leave" | null>(null);

  async load(): Promise<void> {
    const status = await privacyIpc.readingRoomStatus();
    this.apply(status);
  }

  apply(status: ReadingRoomStatus): void {
    this.hasPin = status.has_pin;
    // An open person panel may name someone the reading room hides.
    if (status.on) people.selected = null;
    this.passphrase = status.passphrase;
    this.waitSeconds = status.wait_seconds;
    if (library.readingRoom !== status.on) {
      library.readingRoom = status.on;
      library.schedule();
      // The counts, collections and lists are recounted over what the room shows.
      void archive.load();
    }
  }
}
export const readingRoom = new ReadingRoomState();

/** The engine's reason for a restriction, in the window's language where it is a known one. */
export function reasonText(reason: string): string {
  const known: Record<string, Key> = {
    private: "privacy.reason.private",
    restricted: "privacy.reason.restricted",
    "consent withheld": "privacy.reason.consent_withheld",
    "quotes a minor": "privacy.reason.quotes_minor",
    "shows a minor": "privacy.reason.shows_minor",
    "quotes a person at risk": "privacy.reason.quotes_at_risk",
    "shows a person at risk": "privacy.reason.shows_at_risk",
  };
  if (known[reason]) return t(known[reason]);
  const withheld = /^(.*) withheld consent \((\w+)\)$/.exec(reason);
  if (withheld) return t("privacy.reason.person_withheld", { name: withheld[1], scope: t(`scope.${withheld[2]}` as Key) });
  return reason;
}

/** The person whose protection panel is open in Browse → People. */
class People {
  selected = $state<string | null>(null);
}
export const people = new People();
