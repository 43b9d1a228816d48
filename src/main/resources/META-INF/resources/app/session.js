// The bearer token, kept in sessionStorage only: it goes when the tab closes, and no other tab sees it.
const TOKEN = 'goalkeeper.token';
const DEV_USER = 'goalkeeper.devUser';

export class SignInNeeded extends Error {}

/** Takes a token handed over in the address (#access_token=..., as OAuth and Supabase redirects do) and removes it from there. */
export function takeTokenFromAddress() {
    const fragment = new URLSearchParams(location.hash.slice(1));
    const token = fragment.get('access_token');
    if (!token) return false;
    sessionStorage.setItem(TOKEN, token);
    sessionStorage.removeItem(DEV_USER);
    history.replaceState(null, '', location.pathname + location.search);
    return true;
}

export function useToken(token) {
    sessionStorage.setItem(TOKEN, token.trim());
    sessionStorage.removeItem(DEV_USER);
}

export function signOut() {
    sessionStorage.removeItem(TOKEN);
    sessionStorage.removeItem(DEV_USER);
}

/** The dev token endpoint exists only in dev mode; elsewhere it is a 404. Without a user name it answers 400. */
export async function devSignInAvailable() {
    try {
        const response = await fetch('/dev/token');
        return response.status !== 404;
    } catch {
        return false;
    }
}

export async function devSignIn(user) {
    const response = await fetch('/dev/token?sub=' + encodeURIComponent(user));
    if (!response.ok) throw new Error('The dev sign-in failed (' + response.status + ')');
    sessionStorage.setItem(TOKEN, (await response.text()).trim());
    sessionStorage.setItem(DEV_USER, user);
}

function claims(token) {
    try {
        const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
        return JSON.parse(atob(payload));
    } catch {
        return {};
    }
}

export function userName() {
    const token = sessionStorage.getItem(TOKEN);
    return token ? claims(token).sub || '' : '';
}

/** A token that is still valid; a dev sign-in gets a fresh one, other users must sign in again. */
export async function currentToken() {
    const token = sessionStorage.getItem(TOKEN);
    if (!token) throw new SignInNeeded('Sign in to see your goals.');
    const expires = claims(token).exp;
    if (!expires || expires * 1000 > Date.now() + 5000) return token;
    const devUser = sessionStorage.getItem(DEV_USER);
    if (devUser) {
        await devSignIn(devUser);
        return sessionStorage.getItem(TOKEN);
    }
    signOut();
    throw new SignInNeeded('Your session has ended; sign in again.');
}

/** After a 401: the token is no good, whatever its claims say. */
export async function tokenRefused() {
    const devUser = sessionStorage.getItem(DEV_USER);
    signOut();
    if (devUser) {
        await devSignIn(devUser);
        return;
    }
    throw new SignInNeeded('Your session has ended; sign in again.');
}
