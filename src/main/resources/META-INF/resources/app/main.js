import { api, ApiError, isOwnRequest } from './api.js';
import { followGoals } from './events.js';
import * as session from './session.js';

const $ = (id) => document.getElementById(id);
const goals = new Map(); // id -> goal, as the API last showed it
const plannedBy = new Map(); // id -> the planner that made its milestones
const editing = new Set(); // ids whose edit form is open: live changes do not replace the form
let stream = null;

// ---------------------------------------------------------------- sign-in

async function start() {
    session.takeTokenFromAddress();
    window.addEventListener('hashchange', () => session.takeTokenFromAddress() && run(showGoals));
    $('dev-sign-in').addEventListener('submit', (event) => {
        event.preventDefault();
        run(async () => {
            await session.devSignIn($('dev-user').value.trim());
            await showGoals();
        });
    });
    $('token-sign-in').addEventListener('submit', (event) => {
        event.preventDefault();
        session.useToken($('token').value);
        $('token').value = '';
        run(showGoals);
    });
    $('sign-out').addEventListener('click', () => {
        session.signOut();
        showSignIn('');
    });
    $('new-goal').addEventListener('submit', (event) => {
        event.preventDefault();
        run(() => createGoal(event.target));
    });
    $('history-close').addEventListener('click', () => $('history').close());
    $('dev-sign-in').hidden = !(await session.devSignInAvailable());
    if (session.userName()) await run(showGoals);
    else showSignIn('');
}

function showSignIn(reason) {
    stream?.abort();
    stream = null;
    goals.clear();
    editing.clear();
    $('goals').replaceChildren();
    $('goals-view').hidden = true;
    $('who').hidden = true;
    $('sign-in').hidden = false;
    $('sign-in-reason').textContent = reason;
    ($('dev-sign-in').hidden ? $('token') : $('dev-user')).focus();
}

async function showGoals() {
    $('sign-in').hidden = true;
    $('goals-view').hidden = false;
    $('who').hidden = false;
    $('who-name').textContent = 'Signed in as ' + session.userName();
    await reload();
    $('new-title').focus();
}

/** Lists the goals, then follows the changes after that list's version, so none falls in between. */
async function reload() {
    const { body, etag } = await api.list();
    goals.clear();
    editing.clear();
    body.forEach((goal) => goals.set(goal.id, goal));
    $('goals').replaceChildren(...body.map(goalItem));
    showEmpty();
    stream?.abort();
    stream = new AbortController();
    followGoals({
        lastEventId: etag.replace(/"/g, ''),
        signal: stream.signal,
        onChange: applyChangeSet,
        onReset: () => run(reload),
        onState: (state) => {
            $('live').textContent = state === 'live' ? 'live' : 'reconnecting…';
            $('live').dataset.state = state;
        },
        onError: (error) => showSignIn(error.message),
    });
}

/** Runs an action; a needed sign-in shows the sign-in form, any other failure is told. */
async function run(action) {
    try {
        await action();
    } catch (error) {
        if (error instanceof session.SignInNeeded) showSignIn(error.message);
        else if (error instanceof ApiError) notify(problemText(error));
        else notify('Something went wrong: ' + error.message);
    }
}

function problemText(error) {
    const fields = (error.problem?.errors || []).map((e) => e.field + ' ' + e.message);
    return fields.length ? fields.join('; ') : error.message;
}

// ---------------------------------------------------------------- live updates

function applyChangeSet(set) {
    for (const change of set.changes) {
        const known = goals.get(change.goalId);
        if (change.goal && (!known || known.version < change.goal.version)) store(change.goal);
        else if (!change.goal && known && known.version < change.version) forget(change.goalId);
    }
    if (!isOwnRequest(set.request)) {
        const [first] = set.changes;
        const title = (first.goal || first.before)?.title || 'A goal';
        const more = set.changes.length > 1 ? ' and ' + (set.changes.length - 1) + ' more' : '';
        announce('“' + title + '”' + more + ' ' + first.kind + ' elsewhere.');
    }
}

function announce(text) {
    $('announcer').textContent = text;
}

/** A visible message, also read out; with undo, an Undo button next to it. */
function notify(text, undo) {
    $('notice').hidden = false;
    $('notice-text').textContent = text;
    const button = $('notice-undo');
    button.hidden = !undo;
    button.onclick = undo ? () => {
        $('notice').hidden = true;
        run(undo);
    } : null;
    announce(text);
}

// ---------------------------------------------------------------- the list

function store(goal) {
    goals.set(goal.id, goal);
    if (editing.has(goal.id)) return;
    const old = itemOf(goal.id);
    const item = goalItem(goal);
    if (old) {
        const focused = old.contains(document.activeElement) ? document.activeElement.dataset.action : null;
        old.replaceWith(item);
        if (focused) (item.querySelector('[data-action="' + focused + '"]') || item.querySelector('h3')).focus();
    } else {
        const later = [...goals.values()].filter((g) => g.createdAt > goal.createdAt && itemOf(g.id))
            .sort((a, b) => a.createdAt.localeCompare(b.createdAt))[0];
        $('goals').insertBefore(item, later ? itemOf(later.id) : null);
    }
    showEmpty();
}

function forget(id) {
    goals.delete(id);
    editing.delete(id);
    itemOf(id)?.remove();
    showEmpty();
}

function showEmpty() {
    $('empty').hidden = goals.size > 0;
}

const itemOf = (id) => $('goals').querySelector('li[data-id="' + CSS.escape(id) + '"]');

function element(tag, props = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props)) {
        if (key === 'dataset') Object.assign(node.dataset, value);
        else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
        else if (key in node && !key.includes('-')) node[key] = value;
        else node.setAttribute(key, value);
    }
    node.append(...children.filter((child) => child !== null && child !== undefined));
    return node;
}

function button(label, action, handler, name) {
    return element('button', { type: 'button', dataset: { action }, 'aria-label': name, onclick: () => run(handler) }, label);
}

function goalItem(goal) {
    const titleId = 'goal-' + goal.id;
    const done = goal.milestones.filter((m) => m.completed).length;
    const total = goal.milestones.length;
    const quoted = '“' + goal.title + '”';
    const completed = goal.status === 'completed';
    const meta = [goal.category, goal.targetDate && 'by ' + goal.targetDate].filter(Boolean).join(' · ');
    return element('li', { className: 'goal card' + (completed ? ' completed' : ''), dataset: { id: goal.id } },
        element('h3', { id: titleId, tabIndex: -1 }, goal.title),
        completed ? element('p', { className: 'badge' }, 'Completed') : null,
        meta ? element('p', { className: 'meta' }, meta) : null,
        goal.description ? element('p', { className: 'description' }, goal.description) : null,
        total ? element('p', { className: 'progress' },
            element('progress', { max: total, value: done, 'aria-label': 'Milestones of ' + quoted + ' done' }),
            ' ' + done + ' of ' + total + ' milestones done') : null,
        total ? element('ul', { className: 'milestones', 'aria-label': 'Milestones of ' + quoted },
            ...goal.milestones.map((milestone) => milestoneItem(goal, milestone))) : null,
        plannedBy.has(goal.id) ? element('p', { className: 'planned' }, 'Milestones planned by ' + plannedBy.get(goal.id)) : null,
        element('div', { className: 'actions' },
            button('Edit', 'edit', () => openEditor(goal.id), 'Edit ' + quoted),
            completed ? null : button('Complete', 'complete', () => completeGoal(goal.id), 'Complete ' + quoted),
            total ? null : button('Initialize', 'initialize', () => initialize(goal.id), 'Initialize milestones of ' + quoted),
            button('History', 'history', () => showHistory(goal.id), 'History of ' + quoted),
            button('Delete', 'delete', () => deleteGoal(goal.id), 'Delete ' + quoted)));
}

function milestoneItem(goal, milestone) {
    return element('li', { className: milestone.completed ? 'done' : '' },
        element('span', {}, (milestone.completed ? '✓ ' : '') + milestone.title),
        milestone.dueDate ? element('span', { className: 'meta' }, ' ' + milestone.dueDate) : null,
        milestone.completed ? element('span', { className: 'visually-hidden' }, ' (done)')
            : button('Done', 'milestone-' + milestone.id, () => completeMilestone(goal.id, milestone.id),
                'Mark milestone “' + milestone.title + '” done'));
}

// ---------------------------------------------------------------- writes

async function createGoal(form) {
    const content = formContent(form);
    const created = await api.create(content);
    form.reset();
    store(created);
    notify('Added “' + created.title + '”.');
    $('new-title').focus();
}

function formContent(form) {
    const data = new FormData(form);
    const text = (name) => (data.get(name) || '').trim() || null;
    return { title: (data.get('title') || '').trim(), description: text('description'), category: text('category'),
        targetDate: text('targetDate') };
}

function openEditor(id) {
    const goal = goals.get(id);
    editing.add(id);
    const field = (name, label, input) => {
        input.id = 'edit-' + name + '-' + id;
        input.name = name;
        return element('div', {}, element('label', { htmlFor: input.id }, label), input);
    };
    const form = element('form', { className: 'goal card editor', dataset: { id } },
        element('h3', {}, 'Edit “' + goal.title + '”'),
        field('title', 'Title', element('input', { value: goal.title, required: true, maxLength: 200 })),
        field('description', 'Description', element('textarea', { value: goal.description || '', rows: 2, maxLength: 5000 })),
        field('category', 'Category', element('input', { value: goal.category || '', maxLength: 100 })),
        field('targetDate', 'Target date', element('input', { type: 'date', value: goal.targetDate || '' })),
        element('div', { className: 'actions' },
            element('button', { type: 'submit' }, 'Save'),
            element('button', { type: 'button', onclick: () => closeEditor(id) }, 'Cancel')));
    form.addEventListener('submit', (event) => {
        event.preventDefault();
        run(() => saveEdit(id, goal, formContent(form)));
    });
    const item = element('li', { className: 'goal-slot', dataset: { id } }, form);
    itemOf(id).replaceWith(item);
    form.querySelector('input').focus();
}

function closeEditor(id, focus = 'edit') {
    editing.delete(id);
    const goal = goals.get(id);
    const slot = itemOf(id);
    if (!goal) return slot?.remove();
    const item = goalItem(goal);
    slot.replaceWith(item);
    item.querySelector('[data-action="' + focus + '"]').focus();
}

async function saveEdit(id, base, edits) {
    const saved = await write(base, { ...base, ...edits }, (current) => api.update(id, { ...current, ...edits }, current.version));
    closeEditor(id);
    if (saved) {
        store(saved);
        notify('Saved “' + saved.title + '”.');
    }
}

async function completeGoal(id) {
    const goal = goals.get(id);
    const done = await write(goal, { ...goal, status: 'completed' }, (current) => api.complete(id, current.version));
    if (done) {
        store(done);
        notify('Completed “' + done.title + '”.');
    }
}

async function completeMilestone(id, milestoneId) {
    const goal = goals.get(id);
    const milestones = goal.milestones.map((m) => (m.id === milestoneId ? { ...m, completed: true } : m));
    const done = await write(goal, { ...goal, milestones }, (current) => api.completeMilestone(id, milestoneId, current.version));
    if (done) {
        store(done);
        notify('Milestone done.');
    }
}

async function initialize(id) {
    const goal = goals.get(id);
    // A second try after a conflict means the goal has milestones from elsewhere that the user chose to replace.
    const planned = await write(goal, { ...goal, milestones: '(planned)' },
        (current) => api.initialize(id, current.version, current !== goal));
    if (planned) {
        const { plannedBy: planner, ...plannedGoal } = planned;
        plannedBy.set(id, planner);
        store(plannedGoal);
        notify('Milestones for “' + plannedGoal.title + '” planned by ' + planner + '.');
    }
}

async function deleteGoal(id) {
    const goal = goals.get(id);
    const deleted = await write(goal, null, (current) => api.remove(id, current.version).then(() => current));
    if (!deleted) return;
    forget(id);
    notify('Deleted “' + deleted.title + '”.', async () => {
        // The deletion is a version of its own, one after the goal's last.
        const restored = await api.restore(id, deleted.version, deleted.version + 1);
        store(restored);
        notify('Restored “' + restored.title + '”.');
        itemOf(id)?.querySelector('h3').focus();
    });
    $('notice-undo').focus();
}

async function showHistory(id) {
    const versions = await api.history(id);
    const list = $('history-list');
    list.replaceChildren(...versions.map((entry) => element('li', {},
        element('p', {}, 'Version ' + entry.version + ', ' + entry.kind + ' ' + new Date(entry.at).toLocaleString()
            + ' by ' + entry.by),
        entry.goal ? element('p', { className: 'meta' }, '“' + entry.goal.title + '”'
            + (entry.goal.description ? ': ' + entry.goal.description : '')) : null,
        entry.goal && entry.version !== goals.get(id)?.version
            ? element('button', { type: 'button', dataset: { action: 'restore-' + entry.version },
                onclick: () => {
                    $('history').close();
                    run(() => restoreVersion(id, entry));
                } }, 'Restore version ' + entry.version)
            : null)));
    $('history-title').textContent = 'History of “' + goals.get(id).title + '”';
    $('history').showModal();
}

async function restoreVersion(id, entry) {
    const goal = goals.get(id);
    const restored = await write(goal, entry.goal, (current) => api.restore(id, entry.version, current.version));
    if (restored) {
        store(restored);
        notify('Restored version ' + entry.version + ' of “' + restored.title + '”.');
        itemOf(id)?.querySelector('h3').focus();
    }
}

/**
 * Sends a write with If-Match of the version the page knows. A 412 or 409 means the goal changed
 * elsewhere: the user sees what changed and either reloads it (the write is dropped, null) or keeps
 * theirs (the write goes again against the current version). Nothing is overwritten unasked.
 */
async function write(base, mine, send) {
    let current = base;
    for (;;) {
        try {
            return await send(current);
        } catch (error) {
            if (!(error instanceof ApiError) || (error.status !== 412 && error.status !== 409)) throw error;
            const now = await api.get(base.id).catch((e) => {
                if (e instanceof ApiError && e.status === 404) return null;
                throw e;
            });
            if (!await askKeepMine(current, now, mine)) {
                if (now) store(now);
                else forget(base.id);
                return null;
            }
            current = now;
        }
    }
}

const FIELDS = [
    ['Title', (g) => g.title],
    ['Description', (g) => g.description || ''],
    ['Category', (g) => g.category || ''],
    ['Target date', (g) => g.targetDate || ''],
    ['Status', (g) => g.status],
    ['Milestones', (g) => (typeof g.milestones === 'string' ? g.milestones
        : g.milestones.map((m) => (m.completed ? '✓ ' : '') + m.title).join(', '))],
];

/** The conflict dialog: what is stored now against what the user had and wants. Resolves true for "Keep mine". */
function askKeepMine(base, now, mine) {
    const dialog = $('conflict');
    $('conflict-text').textContent = now
        ? '“' + now.title + '” was changed elsewhere (version ' + base.version + ' is now ' + now.version + ').'
        : '“' + base.title + '” was deleted elsewhere.';
    const rows = now ? FIELDS.filter(([, of]) => of(base) !== of(now) || (mine && of(mine) !== of(now))) : [];
    dialog.querySelector('tbody').replaceChildren(...rows.map(([label, of]) => element('tr', {},
        element('th', { scope: 'row' }, label), element('td', {}, of(now)), element('td', {}, mine ? of(mine) : '(deleted)'))));
    $('conflict-table').hidden = rows.length === 0;
    $('conflict-keep').hidden = !now;
    return new Promise((resolve) => {
        const answer = (keep) => {
            dialog.onclose = null;
            dialog.close();
            resolve(keep);
        };
        $('conflict-reload').onclick = () => answer(false);
        $('conflict-keep').onclick = () => answer(true);
        dialog.onclose = () => resolve(false);
        dialog.showModal();
        $('conflict-reload').focus();
    });
}

start();
