/**
 * An area an official asks about in a query (`?area=01/005`): known to the deployment and inside
 * their own area, or a clear 400 / 403. Shared by the routes that look at part of an official's area.
 */
import { areaCovers, type Account, type AreaRef } from '../accounts/schema.js';
import { ApiError, type ApiDeps } from './route.js';

export function areaWithin(account: Account, area: string, deps: ApiDeps): AreaRef {
  const parsed = deps.areas.parse(area);
  if (!parsed.ok) throw new ApiError(400, 'invalid_request', `query area: ${parsed.message}`, { field: 'area' });
  const check = deps.areas.check(parsed.ref);
  if (!check.ok) throw new ApiError(400, 'unknown_area', `area: ${check.message}`, { field: 'area' });
  if (!areaCovers(account.area, parsed.ref)) {
    throw new ApiError(403, 'out_of_area', `${deps.areas.describeArea(parsed.ref)} is outside your area (${deps.areas.describeArea(account.area)}).`);
  }
  return parsed.ref;
}
