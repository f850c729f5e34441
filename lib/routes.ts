import { ROUTES, type RouteSpec, type ServedBy } from '../lambdas/gateway/routes';

/** The routes of the route table one function serves: the stack builds exactly these API resources. */
export const routesServedBy = (fn: ServedBy): RouteSpec[] => ROUTES.filter((r) => r.servedBy === fn);
