/** Notification toasts: found by their message, read and answered by their buttons. */
import type { Locator, Page } from 'playwright-core';
import { normalizeSpaces } from './text';

export class Notifications {
  constructor(private readonly page: Page) {}

  /** The notification toast whose message matches `message`. */
  toast(message: string | RegExp): Locator {
    return this.page
      .locator('.notifications-toasts .notification-toast')
      .filter({ has: this.page.locator('.notification-list-item-message', { hasText: message }) });
  }

  async message(toast: Locator): Promise<string> {
    return toast.locator('.notification-list-item-message').innerText();
  }

  async buttons(toast: Locator): Promise<string[]> {
    return (await toast.locator('.notification-list-item-buttons-container .monaco-button').allInnerTexts()).map(
      normalizeSpaces,
    );
  }

  async clickButton(toast: Locator, label: string): Promise<void> {
    await toast.locator('.notification-list-item-buttons-container .monaco-button', { hasText: label }).click();
  }
}
