/**
 * The toolbar: search with its match count, the bar-width switch (time or tokens), Reset Zoom and the legend. Its web
 * components cost the page's first paint some 50 ms to create, style and lay out, so they are added after the chart's
 * first frame, into places sized like them, so that adding them moves nothing.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-radio-group/index.js';
import '@vscode-elements/elements/dist/vscode-radio/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { plural } from '../../src/shared/format';
import { codicon, element } from '../dom';
import type { ViewState } from '../state';
import { renderLegend } from './header';

export interface ToolbarActions {
  resetZoom(): void;
  /** Selects the next span that matches the search. */
  selectNextMatch(): void;
}

export class Toolbar {
  readonly element = element('div', 'toolbar');
  private readonly matchCount = element('span', 'match-count');
  private readonly legendSlot = element('div', 'legend-slot');
  private readonly slots = {
    search: element('span', 'control-slot search-slot'),
    mode: element('span', 'control-slot mode-slot'),
    reset: element('span', 'control-slot reset-slot'),
  };
  private controls:
    | {
        readonly searchField: HTMLElementTagNameMap['vscode-textfield'];
        readonly modeGroup: HTMLElementTagNameMap['vscode-radio-group'];
      }
    | undefined;

  constructor(
    private readonly state: ViewState,
    private readonly actions: ToolbarActions,
  ) {
    this.matchCount.setAttribute('aria-live', 'polite');
    this.element.append(this.slots.search, this.matchCount, this.slots.mode, this.slots.reset, this.legendSlot);
    state.onChange((change) => {
      if (change === 'model') this.legendSlot.replaceChildren(renderLegend(state.model.snapshot));
      if (change === 'model' || change === 'search') this.showSearch();
      if (change === 'mode') this.showMode();
    });
  }

  /** Adds the search field, the bar-width switch and Reset Zoom (after the trace's first frame). */
  addControls(): void {
    const searchField = document.createElement('vscode-textfield');
    searchField.placeholder = 'Search spans, models, tools';
    searchField.setAttribute('aria-label', 'Search spans');
    searchField.value = this.state.search;
    const searchIcon = codicon('search');
    searchIcon.slot = 'content-before';
    searchField.append(searchIcon);
    searchField.addEventListener('input', () => this.state.setSearch(searchField.value));
    searchField.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') this.actions.selectNextMatch();
      else if (event.key === 'Escape') this.state.setSearch('');
    });

    const modeGroup = document.createElement('vscode-radio-group');
    for (const [value, label] of [
      ['time', 'Time'],
      ['tokens', 'Tokens'],
    ] as const) {
      const radio = document.createElement('vscode-radio');
      radio.name = 'mode';
      radio.setAttribute('value', value);
      radio.setAttribute('label', label);
      radio.checked = value === this.state.mode;
      modeGroup.append(radio);
    }
    modeGroup.title = 'Bar width: time, or tokens (where do the tokens go?)';
    modeGroup.addEventListener('change', (event) => {
      const target = event.target as HTMLElement & { value?: string; checked?: boolean };
      if (target.checked && (target.value === 'time' || target.value === 'tokens')) this.state.setMode(target.value);
    });

    const reset = document.createElement('vscode-button');
    reset.secondary = true;
    reset.icon = 'zoom-out';
    reset.textContent = 'Reset Zoom';
    reset.title = 'Show the whole trace (or double-click an empty area)';
    reset.addEventListener('click', () => this.actions.resetZoom());
    this.slots.search.append(searchField);
    this.slots.mode.append(modeGroup);
    this.slots.reset.append(reset);
    this.controls = { searchField, modeGroup };
  }

  private showSearch(): void {
    const searchField = this.controls?.searchField;
    if (searchField !== undefined && searchField.value !== this.state.search) searchField.value = this.state.search;
    const matches = this.state.matches;
    if (matches === null) {
      this.matchCount.textContent = '';
      return;
    }
    let count = 0;
    for (const match of matches) count += match;
    this.matchCount.textContent = plural(count, 'match', 'matches');
  }

  private showMode(): void {
    for (const radio of this.controls?.modeGroup.querySelectorAll('vscode-radio') ?? []) {
      radio.checked = radio.value === this.state.mode;
    }
  }
}
