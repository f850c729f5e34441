import { shellEffects } from '../../../../lambdas/inspect/commands/shell-effects';

const options = { protectedNamespaces: ['prod', 'production'] };
const ids = (cmd: string) => shellEffects(cmd, options).effects.map((e) => e.id);

describe('shell effects (tokenised, not matched)', () => {
  it.each([
    ['rm -rf /var/lib/data', 'rm_rf'],
    ['rm -r -f ./build', 'rm_rf'],
    ['r"m" --force --recursive /srv', 'rm_rf'],
    ['sudo rm -fr /', 'rm_rf'],
    ['cd /tmp && rm -Rf *', 'rm_rf'],
    ["bash -c 'rm -rf /etc'", 'rm_rf'],
    ['kubectl delete deployment api -n prod', 'kubectl_delete_protected'],
    ['kubectl --namespace=production delete pods --all', 'kubectl_delete_protected'],
    ['kubectl delete namespace prod', 'kubectl_delete_protected'],
    ['kubectl -nprod delete svc web', 'kubectl_delete_protected'],
    ['kubectl scale deploy/api --replicas=0 -n prod', 'kubectl_scale_to_zero'],
    ['kubectl scale --replicas 0 deploy api --namespace prod', 'kubectl_scale_to_zero'],
    ['terraform destroy -auto-approve', 'terraform_destroy'],
    ['terraform apply -destroy', 'terraform_destroy'],
    ['env TF_LOG=1 tofu destroy', 'terraform_destroy'],
    ['aws iam attach-role-policy --role-name x --policy-arn arn:aws:iam::aws:policy/AdministratorAccess', 'iam_change'],
    ['aws ec2 authorize-security-group-ingress --group-id sg-1 --cidr 0.0.0.0/0 --port 22', 'security_group_change'],
  ])('finds the effect of %j', (cmd, effect) => {
    expect(ids(cmd)).toContain(effect);
  });

  it('leaves ordinary commands alone', () => {
    expect(ids('ls -la /var/log')).toEqual([]);
    expect(ids('rm build.log')).toEqual([]);
    expect(ids('kubectl delete pod web-1 -n staging')).toEqual([]);
    expect(ids('kubectl scale deploy/api --replicas=3 -n prod')).toEqual([]);
    expect(ids('terraform plan')).toEqual([]);
    expect(ids('aws iam list-roles')).toEqual([]);
  });

  it('takes protected namespaces from the options', () => {
    expect(shellEffects('kubectl delete deploy api -n staging', { protectedNamespaces: ['staging'] }).effects.map((e) => e.id)).toEqual(['kubectl_delete_protected']);
  });
});
